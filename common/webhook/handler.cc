#include "common/webhook/handler.h"

#include <chrono>

#include "common/base/clock.h"
#include "common/base/json_out.h"
#include "common/base/log.h"
#include "common/http/auth.h"
#include "common/http/http_status.h"
#include "common/http/query.h"
#include "common/webhook/payload.h"
#include "common/webhook/verification.h"

namespace dlr {
namespace {

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// A refused request (400/422): kept in dlr_rejected so it can be recovered.
// If even that cannot be written, the platform is asked to retry (503).
Response Reject(const Request& req, const Webhook& w, const Status& why, StoreWriter& store,
                Metrics* metrics) {
  Log(LogLevel::kWarning, std::string("refused (") + ErrorCode(why.code()) + "): " + why.message(),
      LogContext(req, &w));
  Rejected r;
  r.received_at = UtcNow();
  r.webhook = w.name;
  r.remote_addr = req.remote_addr;
  r.http_status = HttpStatusFor(why.code());
  r.error = ErrorCode(why.code());
  r.reason = why.message();
  r.content_type = req.content_type;
  // The verification token (the validation key) is never kept.
  r.raw = req.body.empty() ? WithoutParam(req.query, "token") : req.body;
  r.method = req.method;
  // What a replay needs besides raw (dlrctl rejected --replay).
  if (!req.body.empty()) r.query = WithoutParam(req.query, "token");
  Status s = store.RecordRejected(r);
  if (!s.ok()) {
    Log(LogLevel::kError, "cannot keep a refused request: " + s.ToString(), LogContext(req, &w));
    return ErrorResponse(Status::Unavailable("the receiver cannot store right now"));
  }
  if (metrics) metrics->CountRejected();
  return ErrorResponse(why);
}

Response Handle(const Request& req, const Config& config, StoreWriter& store, Metrics* metrics);

}  // namespace

LogFields LogContext(const Request& req, const Webhook* w) {
  return {{"webhook", w ? w->name : "-"},
          {"remote", req.remote_addr.empty() ? "-" : req.remote_addr},
          {"method", req.method},
          {"path", req.path},
          {"request_id", req.request_id.empty() ? "-" : req.request_id}};
}

Response HandleRequest(const Request& req, const Config& config, StoreWriter& store,
                       Metrics* metrics) {
  Response r = Handle(req, config, store, metrics);
  if (metrics) metrics->CountAnswer(r.status);
  return r;
}

namespace {

Response Handle(const Request& req, const Config& config, StoreWriter& store, Metrics* metrics) {
  const Webhook* w = FindWebhook(config, req.path);
  if (!w) {
    Log(LogLevel::kWarning, "refused (not_found): no webhook answers this path",
        LogContext(req, nullptr));
    return ErrorResponse(Status::NotFound("no webhook answers this path"));
  }

  // The verification handshake is answered whatever the method; anything
  // else must come by GET, POST or PUT.
  const bool method_allowed = req.method == "GET" || req.method == "POST" || req.method == "PUT";
  StatusOr<Params> query = ParseUrlEncoded(req.query);
  const bool has_token = query.ok() && FindParam(query.value(), "token") != nullptr;
  const Response method_not_allowed = ErrorResponse(
      Status::MethodNotAllowed("the method must be one of " + std::string(kAllowedMethods)));
  if (!method_allowed && !has_token) {
    Log(LogLevel::kWarning, "refused (method_not_allowed)", LogContext(req, w));
    return method_not_allowed;
  }

  if (!BearerAuthorized(req.authorization, w->secrets)) {
    Log(LogLevel::kWarning,
        std::string("refused (unauthorized): ") +
            (req.authorization.empty() ? "no Authorization header" : "wrong bearer secret"),
        LogContext(req, w));
    return ErrorResponse(
        Status::Unauthenticated("a valid Authorization: Bearer secret is required"));
  }

  switch (req.body_state) {
    case BodyState::kComplete:
      break;
    case BodyState::kTooLarge:
      Log(LogLevel::kWarning, "refused (too_large): body over max_body_bytes", LogContext(req, w));
      return ErrorResponse(Status::TooLarge("the body is larger than " +
                                            std::to_string(config.max_body_bytes) + " bytes"));
    case BodyState::kBadLength:
      return Reject(req, *w, Status::InvalidArgument("CONTENT_LENGTH is not a number"), store,
                    metrics);
    case BodyState::kNoLength:
      return Reject(req, *w,
                    Status::InvalidArgument("the body has no CONTENT_LENGTH (Transfer-Encoding "
                                            "without a length): it cannot be read"),
                    store, metrics);
    case BodyState::kTruncated:
      return Reject(req, *w, Status::InvalidArgument("the body is shorter than its Content-Length"),
                    store, metrics);
  }

  if (!query.ok()) {
    return Reject(
        req, *w,
        Status::InvalidArgument("the query string is not valid: " + query.status().message()),
        store, metrics);
  }
  // The verification token is no part of an event: it never reaches a row.
  const std::string query_rest = WithoutParam(req.query, "token");
  StatusOr<Payload> payload = ParsePayload(req.body, req.content_type, query_rest, query.value(),
                                           w->field_names, config.limits);
  if (!method_allowed && (!payload.ok() || !payload.value().dlrs.empty())) {
    Log(LogLevel::kWarning, "refused (method_not_allowed)", LogContext(req, w));
    return method_not_allowed;  // only the handshake is answered to other methods
  }
  if (!payload.ok()) {
    if (payload.status().code() == StatusCode::kTooLarge) {  // like an oversized body: kept nowhere
      Log(LogLevel::kWarning, "refused (too_large): " + payload.status().message(),
          LogContext(req, w));
      return ErrorResponse(payload.status());
    }
    return Reject(req, *w, payload.status(), store, metrics);
  }
  const Payload& p = payload.value();

  if (p.dlrs.empty()) {
    if (const std::string* token = FindParam(query.value(), "token")) {
      Status s = CheckToken(*token, w->validation_key);
      if (!s.ok()) {
        Log(LogLevel::kWarning, "refused (forbidden): " + s.message(), LogContext(req, w));
        return ErrorResponse(s);
      }
      return HandshakeResponse(p.challenge, *w->validation_key);
    }
    if (p.body_empty) return Json(200, "{\"ok\":true}");
    return Reject(
        req, *w,
        Status::Unprocessable("the body carries no DLR (no \"" + w->field_names[Field::kId] +
                              "\" or \"" + w->field_names[Field::kStatus] + "\")"),
        store, metrics);
  }

  Batch batch;
  batch.webhook = w->name;
  batch.received_at = UtcNow();
  if (!p.body_empty) batch.query = query_rest;
  batch.dlrs = std::move(payload).value().dlrs;
  const auto started = std::chrono::steady_clock::now();
  StatusOr<BatchResult> result = store.StoreBatch(batch);
  if (metrics && result.ok()) {
    metrics->ObserveCommit(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count()));
  }
  if (!result.ok() && result.status().code() == StatusCode::kUnprocessable) {
    // A server database cannot hold a value (too long for its column, not
    // valid UTF-8): retrying will not help; the body is kept for the operator.
    return Reject(req, *w, result.status(), store, metrics);
  }
  if (!result.ok()) {
    // Whatever the fault, nothing was stored and the platform should retry.
    Log(LogLevel::kError, "storage failed, answered 503: " + result.status().ToString(),
        LogContext(req, w));
    return ErrorResponse(Status::Unavailable("storage is unavailable; retry later"));
  }
  if (metrics) {
    metrics->CountStored(result.value().stored, result.value().duplicates);
    for (const Dlr& d : batch.dlrs) metrics->CountStatus(d.Get(Field::kStatus).value_or(""));
  }
  if (LogEnabled(LogLevel::kInfo)) {  // not built at the default level: every stored DLR passes
    Log(LogLevel::kInfo,
        "stored " + std::to_string(result.value().stored) + ", duplicates " +
            std::to_string(result.value().duplicates),
        LogContext(req, w));
  }
  JsonObjectWriter out;
  out.Bool("ok", true);
  out.Int("stored", static_cast<int64_t>(result.value().stored));
  out.Int("duplicates", static_cast<int64_t>(result.value().duplicates));
  return Json(200, out.Finish());
}

}  // namespace
}  // namespace dlr
