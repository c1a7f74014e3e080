#include "common/ctl/export_format.h"

#include "common/base/json_out.h"

namespace dlr {
namespace {

// The columns after the payload fields, in EventInsertColumns' order.
constexpr const char* kTailColumns[] = {"dlr_class", "webhook", "raw", "received_at", "query"};
constexpr size_t kTail = sizeof kTailColumns / sizeof kTailColumns[0];

// Their values in one event; nullptr for NULL.
struct Tail {
  const char* values[kTail];
  size_t sizes[kTail];
};

Tail TailOf(const EventRow& e) {
  Tail t{};
  auto set = [&t](size_t k, const char* v, size_t size) {
    t.values[k] = v;
    t.sizes[k] = size;
  };
  if (e.dlr.dlr_class) {
    const char* name = DlrClassName(*e.dlr.dlr_class);
    set(0, name, std::char_traits<char>::length(name));
  }
  set(1, e.webhook.data(), e.webhook.size());
  set(2, e.dlr.raw.data(), e.dlr.raw.size());
  set(3, e.received_at.data(), e.received_at.size());
  if (e.query) set(4, e.query->data(), e.query->size());
  return t;
}

}  // namespace

const std::vector<std::string>& ExportColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c;
    for (size_t i = 0; i < kFieldCount; ++i) c.push_back(FieldName(static_cast<Field>(i)));
    for (const char* name : kTailColumns) c.push_back(name);
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
  for (size_t k = 0; k < kTail; ++k) {
    out->push_back(',');
    AppendCsvField(t.values[k] ? std::string_view(t.values[k], t.sizes[k]) : std::string_view(),
                   !t.values[k], out);
  }
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
  for (size_t k = 0; k < kTail; ++k) {
    out->push_back(',');
    out->append(JsonQuote(columns[kFieldCount + k]));
    out->push_back(':');
    if (t.values[k]) {
      out->append(JsonQuote(std::string_view(t.values[k], t.sizes[k])));
    } else {
      out->append("null");
    }
  }
  out->append("}\n");
}

}  // namespace dlr
