// Status and StatusOr<T>: how every fallible call in common/ reports failure.
//
// A Status carries a code chosen by what the caller should do next (retry,
// fix the request, authenticate, ...) and a human sentence. The sentence may
// reach a client or a log: it never contains a secret or a password.
// Status is a small value type; copying it is cheap. StatusOr<T> holds either
// a T or a non-ok Status; value() on a non-ok StatusOr is a programming error.
#ifndef DLR_COMMON_BASE_STATUS_H_
#define DLR_COMMON_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace dlr {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the input cannot be parsed at all (HTTP 400)
  kUnprocessable,     // the input parses but is not a valid DLR (HTTP 422)
  kUnauthenticated,   // credentials missing or wrong (HTTP 401)
  kPermissionDenied,  // authenticated, but not allowed (HTTP 403)
  kNotFound,          // nothing answers here (HTTP 404)
  kMethodNotAllowed,  // (HTTP 405)
  kTooLarge,          // the request exceeds a configured limit (HTTP 413)
  kTooManyRequests,   // too many failed attempts from one client: wait (HTTP 429)
  kUnavailable,       // transient: retry later (HTTP 503)
  kInternal,          // a fault of ours or of the deployment (HTTP 500)
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status Unprocessable(std::string msg) {
    return Status(StatusCode::kUnprocessable, std::move(msg));
  }
  static Status Unauthenticated(std::string msg) {
    return Status(StatusCode::kUnauthenticated, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(StatusCode::kPermissionDenied, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status MethodNotAllowed(std::string msg) {
    return Status(StatusCode::kMethodNotAllowed, std::move(msg));
  }
  static Status TooLarge(std::string msg) { return Status(StatusCode::kTooLarge, std::move(msg)); }
  static Status TooManyRequests(std::string msg) {
    return Status(StatusCode::kTooManyRequests, std::move(msg));
  }
  static Status Unavailable(std::string msg) {
    return Status(StatusCode::kUnavailable, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code name>: <message>", or "ok".
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

const char* StatusCodeName(StatusCode code);

template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
    if (status_.ok()) status_ = Status::Internal("StatusOr built from ok");
  }
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace dlr

#endif  // DLR_COMMON_BASE_STATUS_H_
