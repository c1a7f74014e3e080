// Status -> HTTP answer, in exactly one place.
#ifndef DLR_COMMON_HTTP_STATUS_H_
#define DLR_COMMON_HTTP_STATUS_H_

#include "common/http.h"
#include "common/status.h"

namespace dlr {

inline constexpr char kAllowedMethods[] = "GET, POST, PUT";
inline constexpr char kRetryAfterSeconds[] = "5";

// {"ok": false, "error": "<code>", "message": "<status message>"} with the
// status code and headers (WWW-Authenticate, Allow, Retry-After) the
// contract names. `status` must not be ok.
Response ErrorResponse(const Status& status);

// The error code ("unauthorized", ...) ErrorResponse uses for `code`.
const char* ErrorCode(StatusCode code);
int HttpStatusFor(StatusCode code);

}  // namespace dlr

#endif  // DLR_COMMON_HTTP_STATUS_H_
