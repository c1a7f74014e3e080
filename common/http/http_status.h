// Status -> HTTP answer, in exactly one place.
#ifndef DLR_COMMON_HTTP_HTTP_STATUS_H_
#define DLR_COMMON_HTTP_HTTP_STATUS_H_

#include "common/base/status.h"
#include "common/http/http.h"

namespace dlr {

inline constexpr char kAllowedMethods[] = "GET, POST, PUT";
inline constexpr char kRetryAfterSeconds[] = "5";
// The wait a client refused for too many failed logins is told (429).
inline constexpr char kLoginRetryAfterSeconds[] = "60";

// {"ok": false, "error": "<code>", "message": "<status message>"} with the
// status code and headers (WWW-Authenticate, Allow, Retry-After) the
// contract names. `status` must not be ok.
Response ErrorResponse(const Status& status);

// The status page's errors (status_page.h): the same status codes, a
// text/plain body "<code> <reason phrase>: <message>", and its own headers:
// `WWW-Authenticate: Basic realm="dlr-webhook status"` with 401,
// `Allow: GET, HEAD` with 405, Retry-After with 503.
inline constexpr char kPageRealm[] = "Basic realm=\"dlr-webhook status\", charset=\"UTF-8\"";
inline constexpr char kPageMethods[] = "GET, HEAD";
Response PageErrorResponse(const Status& status);

// The error code ("unauthorized", ...) ErrorResponse uses for `code`.
const char* ErrorCode(StatusCode code);
int HttpStatusFor(StatusCode code);

}  // namespace dlr

#endif  // DLR_COMMON_HTTP_HTTP_STATUS_H_
