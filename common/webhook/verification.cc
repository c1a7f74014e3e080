#include "common/webhook/verification.h"

#include "common/base/json_out.h"
#include "common/http/auth.h"

namespace dlr {

Status CheckToken(std::string_view token, const std::optional<std::string>& validation_key) {
  if (!validation_key) {
    return Status::PermissionDenied("this webhook has no validation key configured");
  }
  if (!ConstantTimeEquals(token, *validation_key)) {
    return Status::PermissionDenied("the token does not match the validation key");
  }
  return Status::Ok();
}

Response HandshakeResponse(const std::optional<std::string>& challenge,
                           const std::string& validation_key) {
  JsonObjectWriter w;
  if (challenge) w.String("challenge", *challenge);
  w.String("validation_key", validation_key);
  Response r;
  r.status = 200;
  r.body = w.Finish();
  return r;
}

}  // namespace dlr
