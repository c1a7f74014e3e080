#include "common/base/status.h"

namespace dlr {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kUnprocessable:
      return "unprocessable";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kPermissionDenied:
      return "permission denied";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kMethodNotAllowed:
      return "method not allowed";
    case StatusCode::kTooLarge:
      return "too large";
    case StatusCode::kTooManyRequests:
      return "too many requests";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace dlr
