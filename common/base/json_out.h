// JSON for answers and reports: a flat object writer ({"key": value, ...}),
// a writer of nested objects and arrays, and the string quoting both use.
#ifndef DLR_COMMON_BASE_JSON_OUT_H_
#define DLR_COMMON_BASE_JSON_OUT_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlr {

class JsonObjectWriter {
 public:
  JsonObjectWriter() : out_("{") {}
  void String(std::string_view key, std::string_view value);
  void Int(std::string_view key, int64_t value);
  void Bool(std::string_view key, bool value);
  // Closes the object and returns it; the writer is spent afterwards.
  std::string Finish();

 private:
  void Key(std::string_view key);
  std::string out_;
  bool first_ = true;
};

// Length of the valid UTF-8 sequence starting at s[i] (i < s.size()), or 0.
size_t Utf8Length(std::string_view s, size_t i);

// `s` as a JSON string literal, quotes included. Bytes that are not valid
// UTF-8 are replaced by U+FFFD so the output is always valid JSON; every
// control character (C0, DEL, C1) is escaped (\n, \u007f, \u009b, ...).
std::string JsonQuote(std::string_view s);
// The same, appended to `*out`.
void AppendJsonQuoted(std::string* out, std::string_view s);

// Nested JSON, compact: rapidjson::Writer places the commas and colons and
// checks the nesting (in debug builds); strings go through JsonQuote, so
// that bytes that are not UTF-8 come out as U+FFFD and the escapes are those
// of every other answer. The caller pairs each Start with its End and gives
// each member a Key first.
class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void StartObject() { writer_.StartObject(); }
  void EndObject() { writer_.EndObject(); }
  void StartArray() { writer_.StartArray(); }
  void EndArray() { writer_.EndArray(); }
  void Key(std::string_view key) { Raw(JsonQuote(key), rapidjson::kStringType); }
  void String(std::string_view value) { Raw(JsonQuote(value), rapidjson::kStringType); }
  // The string, or null when there is none.
  void OptionalString(const std::optional<std::string>& value);
  // The string, or null when it is empty.
  void NonEmptyString(std::string_view value);
  void Int(int64_t value) { writer_.Int64(value); }
  void Bool(bool value) { writer_.Bool(value); }
  void Null() { writer_.Null(); }
  // A number already formatted by the caller ("0.6667").
  void Number(std::string_view text) { Raw(std::string(text), rapidjson::kNumberType); }

  // The JSON written so far: a whole value once every Start has its End.
  std::string Text() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  void Raw(const std::string& json, rapidjson::Type type) {
    writer_.RawValue(json.data(), json.size(), type);
  }
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace dlr

#endif  // DLR_COMMON_BASE_JSON_OUT_H_
