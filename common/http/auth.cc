#include "common/http/auth.h"

#include <cstdint>

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

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with its padding; nullopt for anything else.
std::optional<std::string> DecodeBase64(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && in[in.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  uint32_t acc = 0;
  for (size_t i = 0; i < in.size() - pad; ++i) {
    int v = Base64Value(in[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    if (i % 4 == 3) {
      out.push_back(static_cast<char>((acc >> 16) & 0xFF));
      out.push_back(static_cast<char>((acc >> 8) & 0xFF));
      out.push_back(static_cast<char>(acc & 0xFF));
      acc = 0;
    }
  }
  if (pad == 1) {  // 3 symbols: 18 bits, 2 bytes, the last 2 bits zero
    if (acc & 0x3) return std::nullopt;
    out.push_back(static_cast<char>((acc >> 10) & 0xFF));
    out.push_back(static_cast<char>((acc >> 2) & 0xFF));
  } else if (pad == 2) {  // 2 symbols: 12 bits, 1 byte, the last 4 bits zero
    if (acc & 0xF) return std::nullopt;
    out.push_back(static_cast<char>((acc >> 4) & 0xFF));
  }
  return out;
}

}  // namespace

std::optional<BasicCredentials> ParseBasic(std::string_view header) {
  std::optional<std::string_view> token = SchemeToken(header, "basic");
  if (!token) return std::nullopt;
  std::optional<std::string> decoded = DecodeBase64(*token);
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
