// Fuzz target: the Authorization header parsers (Bearer, Basic) and the
// secret comparison.
//
// Input: "<header>\n<secret>" (split at the first LF; without one, the whole
// input is the header and the secret is "s3cret").
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/auth.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view header = in, secret = "s3cret";
  size_t lf = in.find('\n');
  if (lf != std::string_view::npos) {
    header = in.substr(0, lf);
    secret = in.substr(lf + 1);
  }

  std::optional<std::string_view> token = dlr::ParseBearer(header);
  if (token) {
    FUZZ_CHECK(!token->empty());
    for (char c : *token) FUZZ_CHECK(c != ' ' && c != '\t');
    // the token lies inside the header
    FUZZ_CHECK(token->data() >= header.data() &&
               token->data() + token->size() <= header.data() + header.size());
  }

  FUZZ_CHECK(dlr::ConstantTimeEquals(header, secret) == (header == secret));
  FUZZ_CHECK(dlr::ConstantTimeEquals(secret, secret));
  if (!secret.empty()) {
    FUZZ_CHECK(!dlr::ConstantTimeEquals(secret.substr(0, secret.size() - 1), secret));
    FUZZ_CHECK(!dlr::ConstantTimeEquals(std::string(secret) + "x", secret));
  }
  if (token) FUZZ_CHECK(dlr::ConstantTimeEquals(*token, secret) == (*token == secret));

  std::vector<std::string> secrets = {std::string(secret), "other-Secret"};
  bool expected = token && (*token == secret || *token == "other-Secret");
  FUZZ_CHECK(dlr::BearerAuthorized(header, secrets) == expected);
  FUZZ_CHECK(dlr::BearerAuthorized(header, {}));

  std::optional<dlr::BasicCredentials> basic = dlr::ParseBasic(header);
  if (basic) {
    // Base64 of user:password is at least as long as both, plus the ':'.
    FUZZ_CHECK(basic->user.find(':') == std::string::npos);
    FUZZ_CHECK((basic->user.size() + 1 + basic->password.size() + 2) / 3 * 4 <= header.size());
    FUZZ_CHECK(!token);  // one scheme or the other
  }
  return 0;
}
