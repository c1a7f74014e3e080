// Building a Request from CGI/FastCGI variables, shared by both modes.
//
// The caller supplies a lookup function over the variables (the process
// environment in CGI mode, the FastCGI params in FastCGI mode); every value is
// copied into the Request, so nothing points into the caller's storage.
#ifndef DLR_COMMON_HTTP_CGI_ENV_H_
#define DLR_COMMON_HTTP_CGI_ENV_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/http/http.h"

namespace dlr {

// Returns the variable's value, or nullptr when it is not set.
using ParamLookup = std::function<const char*(const char* name)>;

// Everything but the body. The request id comes from REQUEST_ID, else
// HTTP_X_REQUEST_ID (at most 64 characters of [A-Za-z0-9._-], else ignored),
// else NewRequestId(). The path comes from REQUEST_URI (without its
// query, percent-decoded), else DOCUMENT_URI, else SCRIPT_NAME + PATH_INFO
// (both already decoded by the web server). `headers` gets X-Forwarded-For,
// the platforms' signature headers (kSignatureHeaders) and those of
// `extra_headers` (CGI names: HTTP_X_SIGNATURE) that are present.
Request RequestFromParams(const ParamLookup& param,
                          const std::vector<std::string>& extra_headers = {});

// The CGI names of the headers RequestFromParams always copies.
extern const char* const kSignatureHeaders[10];

// 16 random hexadecimal digits.
std::string NewRequestId();

// What to do about the body, decided from CONTENT_LENGTH alone.
struct BodyPlan {
  BodyState state = BodyState::kComplete;
  size_t length = 0;  // bytes to read when state == kComplete
};

// CONTENT_LENGTH absent or empty: read nothing (RFC 3875), and when
// `transfer_encoding` (HTTP_TRANSFER_ENCODING) says a body is coming anyway,
// kNoLength: a body that cannot be read is never taken for an empty one. Not
// a plain decimal number (sign, spaces): kBadLength, read nothing. Above
// max_body_bytes (however many digits): kTooLarge, read nothing.
BodyPlan PlanBody(const char* content_length, size_t max_body_bytes,
                  const char* transfer_encoding = nullptr);

}  // namespace dlr

#endif  // DLR_COMMON_HTTP_CGI_ENV_H_
