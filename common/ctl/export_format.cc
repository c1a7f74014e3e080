#include "common/ctl/export_format.h"

#include "common/base/json_out.h"

namespace dlr {
namespace {

// The values of the columns after the payload fields.
struct Tail {
  const std::string* webhook;
  const std::string* raw;
  const std::string* received_at;
  const std::optional<std::string>* query;
};

Tail TailOf(const EventRow& e) { return Tail{&e.webhook, &e.dlr.raw, &e.received_at, &e.query}; }

}  // namespace

const std::vector<std::string>& ExportColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c;
    for (size_t i = 0; i < kFieldCount; ++i) c.push_back(FieldName(static_cast<Field>(i)));
    for (const char* name : {"webhook", "raw", "received_at", "query"}) c.push_back(name);
    return c;
  }();
  return columns;
}

void AppendCsvField(std::string_view value, bool is_null, std::string* out) {
  if (is_null) return;
  if (!value.empty() && value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvHeader(std::string* out) {
  const std::vector<std::string>& columns = ExportColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out->push_back(',');
    out->append(columns[i]);
  }
  out->append("\r\n");
}

void AppendCsvRow(const EventRow& e, std::string* out) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    const std::optional<std::string>& v = e.dlr.values[i];
    if (i) out->push_back(',');
    AppendCsvField(v ? std::string_view(*v) : std::string_view(), !v, out);
  }
  Tail t = TailOf(e);
  for (const std::string* v : {t.webhook, t.raw, t.received_at}) {
    out->push_back(',');
    AppendCsvField(*v, false, out);
  }
  out->push_back(',');
  AppendCsvField(*t.query ? std::string_view(**t.query) : std::string_view(), !*t.query, out);
  out->append("\r\n");
}

void AppendJsonLine(const EventRow& e, std::string* out) {
  const std::vector<std::string>& columns = ExportColumns();
  auto value = [out](const std::optional<std::string>& v) {
    if (v) {
      out->append(JsonQuote(*v));
    } else {
      out->append("null");
    }
  };
  out->push_back('{');
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (i) out->push_back(',');
    out->append(JsonQuote(columns[i]));
    out->push_back(':');
    value(e.dlr.values[i]);
  }
  Tail t = TailOf(e);
  const std::string* texts[] = {t.webhook, t.raw, t.received_at};
  for (size_t k = 0; k < 3; ++k) {
    out->push_back(',');
    out->append(JsonQuote(columns[kFieldCount + k]));
    out->push_back(':');
    out->append(JsonQuote(*texts[k]));
  }
  out->push_back(',');
  out->append(JsonQuote(columns[kFieldCount + 3]));
  out->push_back(':');
  value(*t.query);
  out->append("}\n");
}

}  // namespace dlr
