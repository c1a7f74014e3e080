#include "common/webhook/payload.h"

#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cstdint>
#include <cstring>

#include "common/base/strings.h"

namespace dlr {
namespace {

// A body of ASCII alone is valid UTF-8 whatever its bytes: it is parsed
// without validating the encoding, which costs about a third of the parse.
constexpr unsigned kJsonAsciiFlags = rapidjson::kParseTrailingCommasFlag |
                                     rapidjson::kParseNumbersAsStringsFlag |
                                     rapidjson::kParseIterativeFlag;
constexpr unsigned kJsonFlags = kJsonAsciiFlags | rapidjson::kParseValidateEncodingFlag;

bool IsAscii(std::string_view s) {
  // Eight bytes at a time: any byte with its high bit set is not ASCII.
  const char* p = s.data();
  size_t n = s.size();
  uint64_t high = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    high |= w;
  }
  for (; n > 0; ++p, --n) high |= static_cast<unsigned char>(*p);
  return (high & 0x8080808080808080ULL) == 0;
}

enum class Format { kJson, kUrlEncoded, kMultipart };

// The media type in lower case, without parameters.
std::string MediaType(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  std::string out(Trim(t));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Format DetectFormat(std::string_view body, std::string_view content_type) {
  std::string type = MediaType(content_type);
  if (type == "application/json" || type == "text/json" ||
      (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0)) {
    return Format::kJson;
  }
  if (type == "multipart/form-data") return Format::kMultipart;
  // A form body never starts with '{' or '[': such a body is JSON sent with
  // curl -d's default type (or none at all).
  std::string_view t = Trim(body);
  if (!t.empty() && (t.front() == '{' || t.front() == '[')) return Format::kJson;
  return Format::kUrlEncoded;
}

std::string Ordinal(size_t index, size_t count) {
  if (count <= 1) return "the DLR";
  return "DLR " + std::to_string(index + 1) + " of " + std::to_string(count);
}

// Checks a finished DLR: a non-empty id and status, no value over
// max_field_bytes.
Status Validate(const Dlr& d, const FieldNames& names, const Limits& limits, size_t index,
                size_t count) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    const auto& v = d.values[i];
    if (v && v->size() > limits.max_field_bytes) {
      return Status::Unprocessable("\"" + names.key[i] + "\" in " + Ordinal(index, count) + " is " +
                                   std::to_string(v->size()) +
                                   " bytes long, over max_field_bytes (" +
                                   std::to_string(limits.max_field_bytes) + ")");
    }
  }
  for (Field f : {Field::kId, Field::kStatus}) {
    const auto& v = d.Get(f);
    if (!v || v->empty()) {
      std::string key = names[f];
      return Status::Unprocessable(Ordinal(index, count) + " has no non-empty \"" + key + "\"");
    }
  }
  return Status::Ok();
}

bool HasIdOrStatus(const Dlr& d) {
  return d.Get(Field::kId).has_value() || d.Get(Field::kStatus).has_value();
}

// Fields absent from `d` taken from the query (never `token`).
void FillFromQuery(Dlr* d, const Params& query, const FieldNames& names) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (d->values[i]) continue;
    const std::string& key = names.key[i];
    if (key == "token") continue;
    if (const std::string* v = FindParam(query, key)) d->values[i] = *v;
  }
}

// A DLR from key/value pairs (query or form): first occurrence wins.
Dlr DlrFromParams(const Params& params, const FieldNames& names, std::string raw) {
  Dlr d;
  d.raw = std::move(raw);
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (names.key[i] == "token") continue;
    if (const std::string* v = FindParam(params, names.key[i])) d.values[i] = *v;
  }
  return d;
}

const char* JsonTypeName(const rapidjson::Value& v) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (v.IsBool()) return "a boolean";
  return "a value of another type";
}

StatusOr<Dlr> DlrFromJsonObject(const rapidjson::Value& obj, const FieldNames& names,
                                std::string raw, size_t index, size_t count) {
  Dlr d;
  d.raw = std::move(raw);
  // One pass over the members; each field takes the first member of its
  // name (a null one leaves it absent), as a lookup per field would.
  std::array<bool, kFieldCount> decided{};
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
    const size_t size = m->name.GetStringLength();
    const char* name = m->name.GetString();
    for (size_t i = 0; i < kFieldCount; ++i) {
      const std::string& key = names.key[i];
      if (decided[i] || key.size() != size || std::memcmp(key.data(), name, size) != 0) continue;
      decided[i] = true;
      if (m->value.IsNull()) continue;
      if (!m->value.IsString()) {  // numbers arrive as strings (kParseNumbersAsStrings)
        return Status::Unprocessable("\"" + key + "\" in " + Ordinal(index, count) + " is " +
                                     JsonTypeName(m->value) +
                                     "; a string or a number was expected");
      }
      d.values[i] = std::string(m->value.GetString(), m->value.GetStringLength());
    }
  }
  return d;
}

std::optional<std::string> JsonScalar(const rapidjson::Value& obj, const char* key) {
  auto m = obj.FindMember(key);
  if (m == obj.MemberEnd() || !m->value.IsString()) return std::nullopt;
  return std::string(m->value.GetString(), m->value.GetStringLength());
}

// The exact text of each element of a top-level JSON array that has already
// been parsed successfully (so only strings and nesting need tracking).
std::vector<std::string_view> SplitArrayElements(std::string_view json) {
  std::vector<std::string_view> out;
  size_t i = json.find('[');
  if (i == std::string_view::npos) return out;
  ++i;
  int depth = 0;
  bool in_string = false;
  size_t start = i;
  for (; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || (c == ']' && depth > 0)) {
      --depth;
    } else if ((c == ',' || c == ']') && depth == 0) {
      std::string_view el = Trim(json.substr(start, i - start));
      if (!el.empty()) out.push_back(el);
      start = i + 1;
      if (c == ']') break;
    }
  }
  return out;
}

// multipart/form-data: the named parts' contents. Files are kept like fields.
StatusOr<Params> ParseMultipart(std::string_view body, std::string_view content_type) {
  std::string_view ct = content_type;
  size_t b = std::string_view::npos;
  for (size_t i = 0; i + 9 <= ct.size(); ++i) {
    if (EqualsIgnoreCase(ct.substr(i, 9), "boundary=")) {
      b = i + 9;
      break;
    }
  }
  if (b == std::string_view::npos) {
    return Status::InvalidArgument("multipart/form-data without a boundary");
  }
  std::string_view boundary = ct.substr(b);
  boundary = boundary.substr(0, boundary.find(';'));
  boundary = Trim(boundary);
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
    boundary = boundary.substr(1, boundary.size() - 2);
  }
  if (boundary.empty() || boundary.size() > 200) {
    return Status::InvalidArgument("multipart/form-data with a bad boundary");
  }
  const std::string delim = "--" + std::string(boundary);
  Params out;
  size_t pos = body.find(delim);
  if (pos == std::string_view::npos) {
    return Status::InvalidArgument("multipart body without its boundary");
  }
  for (;;) {
    pos += delim.size();
    if (body.substr(pos, 2) == "--") return out;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") {
      return Status::InvalidArgument("multipart boundary not followed by CRLF");
    }
    pos += 2;
    size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) {
      return Status::InvalidArgument("multipart part without a blank line");
    }
    std::string_view headers = body.substr(pos, head_end - pos);
    size_t content_start = head_end + 4;
    size_t next = body.find("\r\n" + delim, content_start);
    if (next == std::string_view::npos) {
      return Status::InvalidArgument("multipart body not closed");
    }
    std::string name;
    size_t n = std::string_view::npos;
    for (size_t i = 0; i + 5 <= headers.size(); ++i) {
      if (EqualsIgnoreCase(headers.substr(i, 5), "name=") &&
          (i == 0 || headers[i - 1] == ' ' || headers[i - 1] == ';')) {
        n = i + 5;
        break;
      }
    }
    if (n != std::string_view::npos) {
      std::string_view rest = headers.substr(n);
      if (!rest.empty() && rest.front() == '"') {
        size_t close = rest.find('"', 1);
        if (close == std::string_view::npos) {
          return Status::InvalidArgument("multipart part name not closed");
        }
        name = std::string(rest.substr(1, close - 1));
      } else {
        name = std::string(rest.substr(0, rest.find_first_of("; \r\n")));
      }
      out.emplace_back(std::move(name),
                       std::string(body.substr(content_start, next - content_start)));
    }
    pos = next + 2;
  }
}

// Forwards the reader's events to a Document while watching the nesting depth
// and the length of a top-level array: the parse stops at the first event
// past a limit, before anything deeper or longer is built.
class LimitedHandler {
 public:
  using Ch = char;
  LimitedHandler(rapidjson::Document* doc, const Limits& limits) : doc_(doc), limits_(limits) {}

  bool Null() { return Element() && doc_->Null(); }
  bool Bool(bool b) { return Element() && doc_->Bool(b); }
  bool Int(int i) { return Element() && doc_->Int(i); }
  bool Uint(unsigned u) { return Element() && doc_->Uint(u); }
  bool Int64(int64_t i) { return Element() && doc_->Int64(i); }
  bool Uint64(uint64_t u) { return Element() && doc_->Uint64(u); }
  bool Double(double d) { return Element() && doc_->Double(d); }
  bool RawNumber(const Ch* s, rapidjson::SizeType n, bool copy) {
    return Element() && doc_->RawNumber(s, n, copy);
  }
  bool String(const Ch* s, rapidjson::SizeType n, bool copy) {
    return Element() && doc_->String(s, n, copy);
  }
  bool Key(const Ch* s, rapidjson::SizeType n, bool copy) { return doc_->Key(s, n, copy); }
  bool StartObject() { return Open(false) && doc_->StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return doc_->EndObject(n);
  }
  bool StartArray() { return Open(true) && doc_->StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return doc_->EndArray(n);
  }

  // Why the parse was stopped; ok when no limit was passed.
  const Status& violation() const { return violation_; }

 private:
  // A value begins: one more element when it sits directly in a top-level array.
  bool Element() {
    if (depth_ == 1 && top_is_array_ && ++top_elements_ > limits_.max_array_length) {
      violation_ =
          Status::TooLarge("the body holds more than " + std::to_string(limits_.max_array_length) +
                           " DLRs (max_array_length)");
      return false;
    }
    return true;
  }
  bool Open(bool array) {
    if (!Element()) return false;
    if (depth_ == 0) top_is_array_ = array;
    if (++depth_ > limits_.max_json_depth) {
      violation_ = Status::Unprocessable("the JSON nests deeper than " +
                                         std::to_string(limits_.max_json_depth) +
                                         " levels (max_json_depth)");
      return false;
    }
    return true;
  }

  rapidjson::Document* doc_;
  const Limits& limits_;
  size_t depth_ = 0;
  bool top_is_array_ = false;
  size_t top_elements_ = 0;
  Status violation_;
};

// Parses `body` into `doc` within `limits`. InvalidArgument when it is not
// JSON (a NUL byte after the value included), or the limit's own status.
Status ParseJson(std::string_view body, const Limits& limits, rapidjson::Document* doc) {
  rapidjson::ParseResult result;
  size_t consumed = 0;
  LimitedHandler handler(doc, limits);
  auto generate = [&](rapidjson::Document& d) {
    (void)d;  // the handler forwards to it
    rapidjson::MemoryStream ms(body.data(), body.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
    rapidjson::Reader reader;
    result = IsAscii(body) ? reader.Parse<kJsonAsciiFlags>(is, handler)
                           : reader.Parse<kJsonFlags>(is, handler);
    consumed = is.Tell();
    return !result.IsError();
  };
  doc->Populate(generate);
  if (!handler.violation().ok()) return handler.violation();
  if (result.IsError()) {
    return Status::InvalidArgument(std::string("the body is not valid JSON: ") +
                                   rapidjson::GetParseError_En(result.Code()) + " (at byte " +
                                   std::to_string(result.Offset()) + ")");
  }
  if (consumed != body.size()) {
    // The reader takes a NUL byte for the end of its input.
    return Status::InvalidArgument(
        "the body is not valid JSON: a NUL byte follows the value (at byte " +
        std::to_string(consumed) + ")");
  }
  return Status::Ok();
}

StatusOr<Payload> FromParams(const Params& fields, std::string_view body, const Params& query,
                             const FieldNames& names, const Limits& limits) {
  Payload p;
  p.body_empty = false;
  Dlr d = DlrFromParams(fields, names, std::string(body));
  FillFromQuery(&d, query, names);
  if (HasIdOrStatus(d)) {
    Status s = Validate(d, names, limits, 0, 1);
    if (!s.ok()) return s;
    p.dlrs.push_back(std::move(d));
    return p;
  }
  if (const std::string* c = FindParam(fields, "challenge"))
    p.challenge = *c;
  else if (const std::string* qc = FindParam(query, "challenge"))
    p.challenge = *qc;
  return p;
}

StatusOr<Payload> FromJson(std::string_view body, const Params& query, const FieldNames& names,
                           const Limits& limits) {
  rapidjson::Document doc;
  Status parsed = ParseJson(body, limits, &doc);
  if (!parsed.ok()) return parsed;
  Payload p;
  p.body_empty = false;
  if (doc.IsObject()) {
    StatusOr<Dlr> d = DlrFromJsonObject(doc, names, std::string(body), 0, 1);
    if (!d.ok()) return d.status();
    Dlr dlr = std::move(d).value();
    FillFromQuery(&dlr, query, names);
    if (HasIdOrStatus(dlr)) {
      Status s = Validate(dlr, names, limits, 0, 1);
      if (!s.ok()) return s;
      p.dlrs.push_back(std::move(dlr));
      return p;
    }
    p.challenge = JsonScalar(doc, "challenge");
    if (!p.challenge) {
      if (const std::string* qc = FindParam(query, "challenge")) p.challenge = *qc;
    }
    return p;
  }
  if (doc.IsArray()) {
    const size_t count = doc.Size();
    if (count == 0) return Status::Unprocessable("the body is an empty array: no DLR in it");
    std::vector<std::string_view> raws = SplitArrayElements(body);
    p.dlrs.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const rapidjson::Value& el = doc[static_cast<rapidjson::SizeType>(i)];
      if (!el.IsObject()) {
        return Status::Unprocessable(Ordinal(i, count) + " is " + JsonTypeName(el) +
                                     ", not an object");
      }
      std::string raw =
          i < raws.size() && raws.size() == count ? std::string(raws[i]) : std::string();
      StatusOr<Dlr> d = DlrFromJsonObject(el, names, std::move(raw), i, count);
      if (!d.ok()) return d.status();
      Status s = Validate(d.value(), names, limits, i, count);
      if (!s.ok()) return s;
      p.dlrs.push_back(std::move(d).value());
    }
    return p;
  }
  return Status::Unprocessable("the body is JSON but neither an object nor an array");
}

// --- Nested layouts (NestedLayout) -----------------------------------------

// The value `path` leads to from `v`, or nullptr when a step meets a missing
// member, an index past the end, or a value it cannot step into.
const rapidjson::Value* Resolve(const rapidjson::Value& v, const JsonPath& path) {
  const rapidjson::Value* cur = &v;
  for (const PathStep& step : path) {
    if (step.is_index) {
      if (!cur->IsArray() || step.index >= cur->Size()) return nullptr;
      cur = &(*cur)[static_cast<rapidjson::SizeType>(step.index)];
    } else {
      if (!cur->IsObject()) return nullptr;
      auto m = cur->FindMember(rapidjson::Value(rapidjson::StringRef(
          step.name.data(), static_cast<rapidjson::SizeType>(step.name.size()))));
      if (m == cur->MemberEnd()) return nullptr;
      cur = &m->value;
    }
  }
  return cur;
}

// A DLR from `obj` by the layout's paths.
StatusOr<Dlr> DlrFromPaths(const rapidjson::Value& obj, const FieldNames& names, std::string raw,
                           size_t index, size_t count) {
  Dlr d;
  d.raw = std::move(raw);
  for (size_t i = 0; i < kFieldCount; ++i) {
    const rapidjson::Value* v = Resolve(obj, names.nested->paths[i]);
    if (!v || v->IsNull()) continue;
    if (!v->IsString()) {  // numbers arrive as strings (kParseNumbersAsStrings)
      return Status::Unprocessable("\"" + names.key[i] + "\" in " + Ordinal(index, count) + " is " +
                                   JsonTypeName(*v) + "; a string or a number was expected");
    }
    d.values[i] = std::string(v->GetString(), v->GetStringLength());
  }
  return d;
}

// Whether the JSON string `quoted` ("..." with its quotes, escapes allowed)
// is `name`.
bool KeyEquals(std::string_view quoted, std::string_view name) {
  std::string_view inner = quoted.substr(1, quoted.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner == name;
  rapidjson::Document key;
  key.Parse(quoted.data(), quoted.size());
  return !key.HasParseError() && key.IsString() &&
         std::string_view(key.GetString(), key.GetStringLength()) == name;
}

// Where the value of the top-level object's member `name` begins in `json`
// (already parsed: only strings and nesting need tracking), or npos.
size_t FindTopLevelValue(std::string_view json, std::string_view name) {
  int depth = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') {
      size_t start = i + 1, j = start;
      while (j < json.size() && json[j] != '"') j += json[j] == '\\' ? 2 : 1;
      if (j >= json.size()) return std::string_view::npos;
      size_t k = j + 1;
      while (k < json.size() && std::isspace(static_cast<unsigned char>(json[k]))) ++k;
      if (depth == 1 && k < json.size() && json[k] == ':' &&
          KeyEquals(json.substr(start - 1, j - start + 2), name)) {
        ++k;
        while (k < json.size() && std::isspace(static_cast<unsigned char>(json[k]))) ++k;
        return k;
      }
      i = j;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::string_view::npos;
}

std::string Serialize(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

bool IsDlrEvent(const NestedLayout& n, std::string_view type) {
  for (const std::string& e : n.dlr_events) {
    if (e == type) return true;
  }
  return false;
}

StatusOr<Payload> FromNestedJson(std::string_view body, const FieldNames& names,
                                 const Limits& limits) {
  rapidjson::Document doc;
  Status parsed = ParseJson(body, limits, &doc);
  if (!parsed.ok()) return parsed;
  const NestedLayout& n = *names.nested;
  if (!doc.IsObject()) {
    return Status::Unprocessable(std::string("the body is JSON but not an object (") +
                                 JsonTypeName(doc) + "); this platform sends one object");
  }
  Payload p;
  p.body_empty = false;
  if (!n.event_type.empty()) {
    const rapidjson::Value* t = Resolve(doc, n.event_type);
    if (!t || !t->IsString()) {
      return Status::Unprocessable("the body has no \"" + n.event_type_key +
                                   "\" string: it is not an event of this platform");
    }
    std::string type(t->GetString(), t->GetStringLength());
    if (!IsDlrEvent(n, type)) {
      p.ignored_event = std::move(type);
      return p;
    }
  }
  if (n.items.empty()) {
    StatusOr<Dlr> d = DlrFromPaths(doc, names, std::string(body), 0, 1);
    if (!d.ok()) return d.status();
    Status s = Validate(d.value(), names, limits, 0, 1);
    if (!s.ok()) return s;
    p.dlrs.push_back(std::move(d).value());
    return p;
  }
  auto items = doc.FindMember(rapidjson::Value(
      rapidjson::StringRef(n.items.data(), static_cast<rapidjson::SizeType>(n.items.size()))));
  if (items == doc.MemberEnd() || !items->value.IsArray()) {
    return Status::Unprocessable(
        "the body has no \"" + n.items + "\" array" +
        (items == doc.MemberEnd() ? std::string()
                                  : std::string(" (it is ") + JsonTypeName(items->value) + ")"));
  }
  const rapidjson::Value& arr = items->value;
  const size_t count = arr.Size();
  if (count == 0) {
    return Status::Unprocessable("\"" + n.items + "\" is an empty array: no DLR in it");
  }
  if (count > limits.max_array_length) {
    return Status::TooLarge("\"" + n.items + "\" holds more than " +
                            std::to_string(limits.max_array_length) + " DLRs (max_array_length)");
  }
  std::vector<std::string_view> raws;
  const size_t at = FindTopLevelValue(body, n.items);
  if (at != std::string_view::npos) raws = SplitArrayElements(body.substr(at));
  p.dlrs.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const rapidjson::Value& el = arr[static_cast<rapidjson::SizeType>(i)];
    if (!el.IsObject()) {
      return Status::Unprocessable(Ordinal(i, count) + " in \"" + n.items + "\" is " +
                                   JsonTypeName(el) + ", not an object");
    }
    std::string raw = raws.size() == count ? std::string(raws[i]) : Serialize(el);
    StatusOr<Dlr> d = DlrFromPaths(el, names, std::move(raw), i, count);
    if (!d.ok()) return d.status();
    Status s = Validate(d.value(), names, limits, i, count);
    if (!s.ok()) return s;
    p.dlrs.push_back(std::move(d).value());
  }
  return p;
}

}  // namespace

StatusOr<JsonPath> ParseJsonPath(std::string_view path) {
  JsonPath out;
  if (path.empty()) return Status::InvalidArgument("the path is empty");
  size_t i = 0;
  for (;;) {
    size_t end = path.find_first_of(".[]", i);
    std::string_view name = path.substr(i, end == std::string_view::npos ? end : end - i);
    if (name.empty())
      return Status::InvalidArgument("a step of \"" + std::string(path) + "\" is empty");
    out.push_back(PathStep{std::string(name), 0, false});
    i = end;
    while (i < path.size() && path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) {
        return Status::InvalidArgument("an index of \"" + std::string(path) +
                                       "\" is not closed or empty");
      }
      size_t index = 0;
      for (size_t k = i + 1; k < close; ++k) {
        if (path[k] < '0' || path[k] > '9' || close - i - 1 > 9) {
          return Status::InvalidArgument("an index of \"" + std::string(path) +
                                         "\" is not a number");
        }
        index = index * 10 + static_cast<size_t>(path[k] - '0');
      }
      out.push_back(PathStep{std::string(), index, true});
      i = close + 1;
    }
    if (i >= path.size()) return out;
    if (path[i] != '.') {
      return Status::InvalidArgument("\"" + std::string(path) +
                                     "\" has something other than '.' or '[' after an index");
    }
    ++i;
  }
}

Status FieldNames::SetLayout(NestedLayout layout) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    StatusOr<JsonPath> path = ParseJsonPath(key[i]);
    if (!path.ok()) {
      return Status::InvalidArgument(std::string(FieldName(static_cast<Field>(i))) + ": " +
                                     path.status().message());
    }
    layout.paths[i] = std::move(path).value();
  }
  nested = std::move(layout);
  return Status::Ok();
}

FieldNames::FieldNames() {
  for (size_t i = 0; i < kFieldCount; ++i) key[i] = FieldName(static_cast<Field>(i));
}

StatusOr<Payload> ParsePayload(std::string_view body, std::string_view content_type,
                               std::string_view raw_query, const Params& query,
                               const FieldNames& names, const Limits& limits) {
  if (Trim(body).empty()) {
    Payload p;
    Dlr d = DlrFromParams(query, names, std::string(raw_query));
    if (HasIdOrStatus(d)) {
      Status s = Validate(d, names, limits, 0, 1);
      if (!s.ok()) return s;
      p.dlrs.push_back(std::move(d));
    } else if (const std::string* c = FindParam(query, "challenge")) {
      p.challenge = *c;
    }
    return p;
  }
  switch (DetectFormat(body, content_type)) {
    case Format::kJson:
      if (names.nested) return FromNestedJson(body, names, limits);
      return FromJson(body, query, names, limits);
    case Format::kUrlEncoded: {
      StatusOr<Params> form = ParseUrlEncoded(body);
      if (!form.ok()) {
        return Status::InvalidArgument("the form body is not valid: " + form.status().message());
      }
      return FromParams(form.value(), body, query, names, limits);
    }
    case Format::kMultipart: {
      StatusOr<Params> form = ParseMultipart(body, content_type);
      if (!form.ok()) return form.status();
      return FromParams(form.value(), body, query, names, limits);
    }
  }
  return Status::Internal("unreachable");
}

}  // namespace dlr
