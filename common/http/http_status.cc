#include "common/http/http_status.h"

#include "common/base/json_out.h"

namespace dlr {
namespace {

struct Mapping {
  StatusCode code;
  int http;
  const char* error;
};

constexpr Mapping kMappings[] = {
    {StatusCode::kOk, 200, "ok"},
    {StatusCode::kInvalidArgument, 400, "bad_request"},
    {StatusCode::kUnprocessable, 422, "invalid_dlr"},
    {StatusCode::kUnauthenticated, 401, "unauthorized"},
    {StatusCode::kPermissionDenied, 403, "forbidden"},
    {StatusCode::kNotFound, 404, "not_found"},
    {StatusCode::kMethodNotAllowed, 405, "method_not_allowed"},
    {StatusCode::kTooLarge, 413, "too_large"},
    {StatusCode::kTooManyRequests, 429, "too_many_requests"},
    {StatusCode::kUnavailable, 503, "unavailable"},
    {StatusCode::kInternal, 500, "internal"},
};

const Mapping& Find(StatusCode code) {
  for (const Mapping& m : kMappings) {
    if (m.code == code) return m;
  }
  return kMappings[sizeof kMappings / sizeof kMappings[0] - 1];
}

// The headers an answer of `code` carries: the challenge of a 401, the
// methods of a 405, the delay of a 503.
void AddStatusHeaders(StatusCode code, const char* challenge, const char* allow, Response* r) {
  switch (code) {
    case StatusCode::kUnauthenticated:
      r->headers.emplace_back("WWW-Authenticate", challenge);
      break;
    case StatusCode::kMethodNotAllowed:
      r->headers.emplace_back("Allow", allow);
      break;
    case StatusCode::kUnavailable:
      r->headers.emplace_back("Retry-After", kRetryAfterSeconds);
      break;
    case StatusCode::kTooManyRequests:
      r->headers.emplace_back("Retry-After", kLoginRetryAfterSeconds);
      break;
    default:
      break;
  }
}

}  // namespace

const char* ErrorCode(StatusCode code) { return Find(code).error; }
int HttpStatusFor(StatusCode code) { return Find(code).http; }

Response ErrorResponse(const Status& status) {
  const Mapping& m = Find(status.ok() ? StatusCode::kInternal : status.code());
  Response r;
  r.status = m.http;
  JsonObjectWriter w;
  w.Bool("ok", false);
  w.String("error", m.error);
  w.String("message", status.message());
  r.body = w.Finish();
  AddStatusHeaders(m.code, "Bearer", kAllowedMethods, &r);
  return r;
}

Response PageErrorResponse(const Status& status) {
  const Mapping& m = Find(status.ok() ? StatusCode::kInternal : status.code());
  Response r;
  r.status = m.http;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::to_string(m.http) + " " + ReasonPhrase(m.http) + ": " + status.message() + "\n";
  AddStatusHeaders(m.code, kPageRealm, kPageMethods, &r);
  return r;
}

}  // namespace dlr
