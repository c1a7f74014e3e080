// Small string helpers shared by the layers above: pure, allocation-free.
#ifndef DLR_COMMON_BASE_STRINGS_H_
#define DLR_COMMON_BASE_STRINGS_H_

#include <cctype>
#include <string_view>

namespace dlr {

// ASCII comparison without regard to case.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// JSON's whitespace: space, tab, LF, CR.
inline bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// `s` without leading and trailing JSON whitespace.
inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The value of a hex digit in either case; -1 for any other character.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace dlr

#endif  // DLR_COMMON_BASE_STRINGS_H_
