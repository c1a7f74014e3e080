// Bearer and Basic authentication: parsing the Authorization header and
// comparing the presented secret with the configured ones in constant time.
#ifndef DLR_COMMON_HTTP_AUTH_H_
#define DLR_COMMON_HTTP_AUTH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlr {

// The token of "Bearer <token>": the scheme matched case-insensitively,
// separated by spaces or tabs, surrounding whitespace dropped. nullopt for
// another scheme, no token, or a token holding whitespace.
std::optional<std::string_view> ParseBearer(std::string_view header);

// The user name and password of "Basic <base64 of user:password>" (RFC
// 7617): the scheme matched case-insensitively, the password everything
// after the first ':'. nullopt for another scheme, base64 that is not
// canonical (padding included), or no ':'.
struct BasicCredentials {
  std::string user;
  std::string password;
};
std::optional<BasicCredentials> ParseBasic(std::string_view header);

// True when a == b. The time taken depends on the lengths only, never on
// where the first difference is: every byte of `secret` is read.
bool ConstantTimeEquals(std::string_view presented, std::string_view secret);

// True when `secrets` is empty (the webhook is not authenticated), or the
// header carries a bearer token equal to one of them. Every secret is
// compared, whichever matches.
bool BearerAuthorized(std::string_view authorization_header,
                      const std::vector<std::string>& secrets);

}  // namespace dlr

#endif  // DLR_COMMON_HTTP_AUTH_H_
