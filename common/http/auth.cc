#include "common/http/auth.h"

#include "common/base/crypto.h"

namespace dlr {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// The token after a case-insensitive `scheme` and whitespace, trimmed;
// nullopt for another scheme, no token, or a token holding whitespace.
std::optional<std::string_view> SchemeToken(std::string_view h, std::string_view scheme) {
  while (!h.empty() && IsSpace(h.front())) h.remove_prefix(1);
  while (!h.empty() && IsSpace(h.back())) h.remove_suffix(1);
  if (h.size() <= scheme.size()) return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (Lower(h[i]) != scheme[i]) return std::nullopt;
  }
  if (!IsSpace(h[scheme.size()])) return std::nullopt;
  h.remove_prefix(scheme.size());
  while (!h.empty() && IsSpace(h.front())) h.remove_prefix(1);
  if (h.empty()) return std::nullopt;
  for (char c : h) {
    if (IsSpace(c)) return std::nullopt;
  }
  return h;
}

}  // namespace

std::optional<BasicCredentials> ParseBasic(std::string_view header) {
  std::optional<std::string_view> token = SchemeToken(header, "basic");
  if (!token) return std::nullopt;
  std::optional<std::string> decoded = Base64Decode(*token);
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

std::optional<std::string_view> ParseBearer(std::string_view h) { return SchemeToken(h, "bearer"); }

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
