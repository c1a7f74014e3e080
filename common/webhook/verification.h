// The platform's verification handshake: `?token=<validation key>` answered
// with the challenge echoed and the validation key.
#ifndef DLR_COMMON_WEBHOOK_VERIFICATION_H_
#define DLR_COMMON_WEBHOOK_VERIFICATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/base/status.h"
#include "common/http/http.h"

namespace dlr {

// PermissionDenied when the webhook has no validation key or `token` differs
// from it (exact, case-sensitive, compared in constant time).
Status CheckToken(std::string_view token, const std::optional<std::string>& validation_key);

// 200 {"challenge": "<challenge>", "validation_key": "<key>"}; "challenge" is
// left out when none was sent.
Response HandshakeResponse(const std::optional<std::string>& challenge,
                           const std::string& validation_key);

}  // namespace dlr

#endif  // DLR_COMMON_WEBHOOK_VERIFICATION_H_
