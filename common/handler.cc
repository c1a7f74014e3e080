#include "common/handler.h"

#include "common/auth.h"
#include "common/clock.h"
#include "common/dlr.h"
#include "common/http_status.h"
#include "common/json_out.h"
#include "common/log.h"
#include "common/query.h"
#include "common/verification.h"

namespace dlr {
namespace {

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string Describe(const Request& req, const Webhook* w) {
  return std::string("webhook=") + (w ? w->name : "-") +
         " remote=" + (req.remote_addr.empty() ? "-" : req.remote_addr) + " " + req.method + " " +
         req.path;
}

// A refused request (400/422): kept in dlr_rejected so it can be recovered.
// If even that cannot be written, the platform is asked to retry (503).
Response Reject(const Request& req, const Webhook& w, const Status& why, Store& store) {
  Log(LogLevel::kWarning, std::string("refused (") + ErrorCode(why.code()) + "): " + why.message() +
                              " " + Describe(req, &w));
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
    Log(LogLevel::kError, "cannot keep a refused request: " + s.ToString());
    return ErrorResponse(Status::Unavailable("the receiver cannot store right now"));
  }
  return ErrorResponse(why);
}

}  // namespace

Response HandleRequest(const Request& req, const Config& config, Store& store) {
  const Webhook* w = FindWebhook(config, req.path);
  if (!w) return ErrorResponse(Status::NotFound("no webhook answers this path"));

  // The verification handshake is answered whatever the method; anything
  // else must come by GET, POST or PUT.
  const bool method_allowed = req.method == "GET" || req.method == "POST" || req.method == "PUT";
  StatusOr<Params> query = ParseUrlEncoded(req.query);
  const bool has_token = query.ok() && FindParam(query.value(), "token") != nullptr;
  const Response method_not_allowed = ErrorResponse(
      Status::MethodNotAllowed("the method must be one of " + std::string(kAllowedMethods)));
  if (!method_allowed && !has_token) return method_not_allowed;

  if (!BearerAuthorized(req.authorization, w->secrets)) {
    Log(LogLevel::kWarning,
        std::string("refused (unauthorized): ") +
            (req.authorization.empty() ? "no Authorization header" : "wrong bearer secret") + " " +
            Describe(req, w));
    return ErrorResponse(
        Status::Unauthenticated("a valid Authorization: Bearer secret is required"));
  }

  switch (req.body_state) {
    case BodyState::kComplete:
      break;
    case BodyState::kTooLarge:
      Log(LogLevel::kWarning, "refused (too_large): body over max_body_bytes " + Describe(req, w));
      return ErrorResponse(Status::TooLarge("the body is larger than " +
                                            std::to_string(config.max_body_bytes) + " bytes"));
    case BodyState::kBadLength:
      return Reject(req, *w, Status::InvalidArgument("CONTENT_LENGTH is not a number"), store);
    case BodyState::kNoLength:
      return Reject(req, *w,
                    Status::InvalidArgument("the body has no CONTENT_LENGTH (Transfer-Encoding "
                                            "without a length): it cannot be read"),
                    store);
    case BodyState::kTruncated:
      return Reject(req, *w, Status::InvalidArgument("the body is shorter than its Content-Length"),
                    store);
  }

  if (!query.ok()) {
    return Reject(
        req, *w,
        Status::InvalidArgument("the query string is not valid: " + query.status().message()),
        store);
  }
  // The verification token is no part of an event: it never reaches a row.
  const std::string query_rest = WithoutParam(req.query, "token");
  StatusOr<Payload> payload = ParsePayload(req.body, req.content_type, query_rest, query.value(),
                                           w->field_names, config.limits);
  if (!method_allowed && (!payload.ok() || !payload.value().dlrs.empty())) {
    return method_not_allowed;  // only the handshake is answered to other methods
  }
  if (!payload.ok()) {
    if (payload.status().code() == StatusCode::kTooLarge) {  // like an oversized body: kept nowhere
      Log(LogLevel::kWarning,
          "refused (too_large): " + payload.status().message() + " " + Describe(req, w));
      return ErrorResponse(payload.status());
    }
    return Reject(req, *w, payload.status(), store);
  }
  const Payload& p = payload.value();

  if (p.dlrs.empty()) {
    if (const std::string* token = FindParam(query.value(), "token")) {
      Status s = CheckToken(*token, w->validation_key);
      if (!s.ok()) {
        Log(LogLevel::kWarning, "refused (forbidden): " + s.message() + " " + Describe(req, w));
        return ErrorResponse(s);
      }
      return HandshakeResponse(p.challenge, *w->validation_key);
    }
    if (p.body_empty) return Json(200, "{\"ok\":true}");
    return Reject(
        req, *w,
        Status::Unprocessable("the body carries no DLR (no \"" + w->field_names[Field::kId] +
                              "\" or \"" + w->field_names[Field::kStatus] + "\")"),
        store);
  }

  Batch batch;
  batch.webhook = w->name;
  batch.received_at = UtcNow();
  if (!p.body_empty) batch.query = query_rest;
  batch.dlrs = std::move(payload).value().dlrs;
  StatusOr<BatchResult> result = store.StoreBatch(batch);
  if (!result.ok() && result.status().code() == StatusCode::kUnprocessable) {
    // A server database cannot hold a value (too long for its column, not
    // valid UTF-8): retrying will not help; the body is kept for the operator.
    return Reject(req, *w, result.status(), store);
  }
  if (!result.ok()) {
    // Whatever the fault, nothing was stored and the platform should retry.
    Log(LogLevel::kError,
        "storage failed, answered 503: " + result.status().ToString() + " " + Describe(req, w));
    return ErrorResponse(Status::Unavailable("storage is unavailable; retry later"));
  }
  JsonObjectWriter out;
  out.Bool("ok", true);
  out.Int("stored", static_cast<int64_t>(result.value().stored));
  out.Int("duplicates", static_cast<int64_t>(result.value().duplicates));
  return Json(200, out.Finish());
}

}  // namespace dlr
