#include "common/auth.h"

namespace dlr {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

std::optional<std::string_view> ParseBearer(std::string_view h) {
  while (!h.empty() && IsSpace(h.front())) h.remove_prefix(1);
  while (!h.empty() && IsSpace(h.back())) h.remove_suffix(1);
  static constexpr std::string_view kScheme = "bearer";
  if (h.size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (Lower(h[i]) != kScheme[i]) return std::nullopt;
  }
  if (!IsSpace(h[kScheme.size()])) return std::nullopt;
  h.remove_prefix(kScheme.size());
  while (!h.empty() && IsSpace(h.front())) h.remove_prefix(1);
  if (h.empty()) return std::nullopt;
  for (char c : h) {
    if (IsSpace(c)) return std::nullopt;
  }
  return h;
}

bool ConstantTimeEquals(std::string_view presented, std::string_view secret) {
  // Walk the whole secret whatever was presented; a length mismatch is folded
  // into the result rather than returned early.
  volatile unsigned char diff = presented.size() == secret.size() ? 0 : 1;
  const size_t n = presented.size();
  for (size_t i = 0; i < secret.size(); ++i) {
    unsigned char p = n == 0 ? 0 : static_cast<unsigned char>(presented[i % n]);
    diff = static_cast<unsigned char>(diff | (p ^ static_cast<unsigned char>(secret[i])));
  }
  return diff == 0;
}

bool BearerAuthorized(std::string_view header, const std::vector<std::string>& secrets) {
  if (secrets.empty()) return true;
  std::optional<std::string_view> token = ParseBearer(header);
  if (!token) return false;
  bool ok = false;
  for (const std::string& s : secrets) {
    ok = ConstantTimeEquals(*token, s) || ok;  // no short-circuit past a match
  }
  return ok;
}

}  // namespace dlr
