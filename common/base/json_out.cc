#include "common/base/json_out.h"

#include <charconv>

namespace dlr {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else
    return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

void AppendJsonQuoted(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  size_t run = 0;  // the start of the plain bytes not yet appended
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    size_t n = c >= 0x80 ? Utf8Length(s, i) : 0;
    // C1 controls (U+0080 to U+009F) are escaped like C0 and DEL: a terminal
    // showing a log or an answer must not act on them.
    const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (n != 0 && !c1) {  // other valid UTF-8 is copied as it is, with the run
      i += n;
      continue;
    }
    out->append(s.data() + run, i - run);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out->append("\\n", 2);
    } else if (c == '\r') {
      out->append("\\r", 2);
    } else if (c == '\t') {
      out->append("\\t", 2);
    } else if (c < 0x20 || c == 0x7F || c1) {
      const unsigned char code = c1 ? static_cast<unsigned char>(s[++i]) : c;
      out->append("\\u00", 4);
      out->push_back(kHex[code >> 4]);
      out->push_back(kHex[code & 0xF]);
    } else {
      out->append("\xEF\xBF\xBD", 3);  // not UTF-8
    }
    run = ++i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

std::string JsonQuote(std::string_view s) {
  std::string out;
  AppendJsonQuoted(&out, s);
  return out;
}

void JsonObjectWriter::Key(std::string_view key) {
  if (!first_) out_.push_back(',');
  first_ = false;
  AppendJsonQuoted(&out_, key);
  out_.push_back(':');
}

void JsonObjectWriter::String(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonQuoted(&out_, value);
}

void JsonObjectWriter::Int(std::string_view key, int64_t value) {
  Key(key);
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out_.append(digits, static_cast<size_t>(end - digits));
}

void JsonObjectWriter::Bool(std::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
}

void JsonWriter::OptionalString(const std::optional<std::string>& value) {
  if (value) {
    String(*value);
  } else {
    Null();
  }
}

void JsonWriter::NonEmptyString(std::string_view value) {
  if (value.empty()) {
    Null();
  } else {
    String(value);
  }
}

std::string JsonObjectWriter::Finish() {
  out_.push_back('}');
  return std::move(out_);
}

}  // namespace dlr
