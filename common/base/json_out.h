// A flat JSON object writer for answers: {"key": value, ...}.
#ifndef DLR_COMMON_BASE_JSON_OUT_H_
#define DLR_COMMON_BASE_JSON_OUT_H_

#include <cstdint>
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

// `s` as a JSON string literal, quotes included. Bytes that are not valid
// UTF-8 are replaced by U+FFFD so the output is always valid JSON.
std::string JsonQuote(std::string_view s);

}  // namespace dlr

#endif  // DLR_COMMON_BASE_JSON_OUT_H_
