#include "common/webhook/handler.h"

#include <optional>
#include <string>
#include <vector>

#include "common/base/json_out.h"
#include "common/base/log.h"
#include "common/base/time.h"
#include "common/http/auth.h"
#include "common/http/http_status.h"
#include "common/http/ip.h"
#include "common/http/query.h"
#include "common/webhook/payload.h"
#include "common/webhook/presets.h"
#include "common/webhook/verification.h"

namespace dlr {
namespace {

// What the steps of one request share, once its webhook is found.
struct Call {
  const Request& req;
  const Config& config;
  StoreWriter& store;
  const Clock& clock;
  Metrics* metrics;
  const Webhook& webhook;
  bool method_allowed;            // GET, POST or PUT
  const StatusOr<Params>& query;  // the query string, parsed
};

void Warn(const Call& c, const std::string& what) {
  Log(LogLevel::kWarning, what, LogContext(c.req, &c.webhook));
}

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response MethodNotAllowed(const Call& c) {
  Warn(c, "refused (method_not_allowed)");
  return ErrorResponse(
      Status::MethodNotAllowed("the method must be one of " + std::string(kAllowedMethods)));
}

// A refused request (400/422): kept in dlr_rejected so it can be recovered.
// If even that cannot be written, the platform is asked to retry (503).
Response Reject(const Call& c, const Status& why) {
  const Request& req = c.req;
  Warn(c, std::string("refused (") + ErrorCode(why.code()) + "): " + why.message());
  Rejected r;
  r.received_at = FormatUtcMillis(c.clock.NowMillis());
  r.webhook = c.webhook.name;
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
  Status s = c.store.RecordRejected(r);
  if (!s.ok()) {
    Log(LogLevel::kError, "cannot keep a refused request: " + s.ToString(),
        LogContext(req, &c.webhook));
    return ErrorResponse(Status::Unavailable("the receiver cannot store right now"));
  }
  if (c.metrics) c.metrics->CountRejected();
  return ErrorResponse(why);
}

// Route: 400 for a path with dot or empty segments, never routed.
std::optional<Response> BadPath(const Request& req) {
  if (PathIsNormal(req.path)) return std::nullopt;
  Log(LogLevel::kWarning, "refused (bad_request): a path with dot or empty segments",
      LogContext(req, nullptr));
  return ErrorResponse(Status::InvalidArgument(
      "the path has dot segments (. or ..) or empty segments (//); send it normalised"));
}

// Route: the answer when no webhook answers the request's path.
Response NotFound(const Request& req) {
  Log(LogLevel::kWarning, "refused (not_found): no webhook answers this path",
      LogContext(req, nullptr));
  return ErrorResponse(Status::NotFound("no webhook answers this path"));
}

// The header named `name` (lower case), or "".
std::string HeaderOf(const Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (k == name) return v;
  }
  return "";
}

// allow_from: 403 when the client's address (behind trusted proxies) lies in
// none of the webhook's blocks.
std::optional<Response> CheckAllowFrom(const Call& c) {
  if (c.webhook.allow_from.empty()) return std::nullopt;
  std::string client = ClientAddress(c.req.remote_addr, HeaderOf(c.req, "x-forwarded-for"),
                                     c.config.trusted_proxies);
  std::optional<IpAddress> a = ParseIpAddress(client);
  if (a && AnyContains(c.webhook.allow_from, *a)) return std::nullopt;
  Warn(c, "refused (forbidden): client address " + (client.empty() ? "-" : client.substr(0, 64)) +
              " is outside allow_from");
  return ErrorResponse(Status::PermissionDenied("this address may not post to this webhook"));
}

// The schemes decided from the head alone: bearer (below) and basic.
std::optional<Response> CheckBasic(const Call& c) {
  if (c.webhook.verify.kind != SchemeKind::kBasic) return std::nullopt;
  SignedRequest r;
  r.headers = {{"authorization", c.req.authorization}};
  Status s = VerifySignature(c.webhook.verify, r);
  if (s.ok()) return std::nullopt;
  Warn(c, "refused (unauthorized): " + s.message());
  return ErrorResponse(Status::Unauthenticated("a valid Authorization: Basic user is required"));
}

// The schemes that sign the body (hmac, standard-webhooks, twilio, plivo-v3,
// vonage-sig, telnyx): 401 when the signature is missing, wrong or expired.
std::optional<Response> CheckSignature(const Call& c) {
  const VerifyScheme& v = c.webhook.verify;
  if (v.kind == SchemeKind::kNone || v.kind == SchemeKind::kBearer ||
      v.kind == SchemeKind::kBasic) {
    return std::nullopt;
  }
  SignedRequest r;
  r.method = c.req.method;
  if (c.webhook.public_url) {
    r.url = *c.webhook.public_url;
    if (!c.req.query.empty()) {
      r.url += (r.url.find('?') == std::string::npos ? "?" : "&") + c.req.query;
    }
  }
  r.content_type = c.req.content_type;
  r.body = c.req.body;
  if (c.query.ok()) r.query = c.query.value();
  if (c.req.content_type.find("x-www-form-urlencoded") != std::string::npos) {
    StatusOr<Params> form = ParseUrlEncoded(c.req.body);
    if (form.ok()) r.form = std::move(form).value();
  }
  r.headers = c.req.headers;
  r.now = c.clock.NowMillis() / 1000;
  Status s = VerifySignature(v, r);
  if (s.ok()) return std::nullopt;
  Warn(c, "refused (unauthorized): " + s.message());
  return ErrorResponse(Status::Unauthenticated(std::string("a valid ") + SchemeKindName(v.kind) +
                                               " signature is required: " + s.message()));
}

// Auth: 405 for a method other than GET, POST or PUT that does not carry a
// verification token (the handshake is answered whatever the method), 403
// outside allow_from, 401 without a right bearer secret or basic user;
// nothing when the request may go on.
std::optional<Response> Authorize(const Call& c) {
  const bool has_token = c.query.ok() && FindParam(c.query.value(), "token") != nullptr;
  if (!c.method_allowed && !has_token) return MethodNotAllowed(c);
  if (std::optional<Response> refused = CheckAllowFrom(c)) return refused;
  if (std::optional<Response> refused = CheckBasic(c)) return refused;
  if (!BearerAuthorized(c.req.authorization, c.webhook.secrets)) {
    Warn(c, std::string("refused (unauthorized): ") +
                (c.req.authorization.empty() ? "no Authorization header" : "wrong bearer secret"));
    return ErrorResponse(
        Status::Unauthenticated("a valid Authorization: Bearer secret is required"));
  }
  return std::nullopt;
}

// The body as the adapter read it: 413 when over max_body_bytes (kept
// nowhere), 400 (kept) when it could not be read whole; nothing when it was.
std::optional<Response> CheckBody(const Call& c) {
  switch (c.req.body_state) {
    case BodyState::kComplete:
      return std::nullopt;
    case BodyState::kTooLarge:
      Warn(c, "refused (too_large): body over max_body_bytes");
      return ErrorResponse(Status::TooLarge("the body is larger than " +
                                            std::to_string(c.config.max_body_bytes) + " bytes"));
    case BodyState::kBadLength:
      return Reject(c, Status::InvalidArgument("CONTENT_LENGTH is not a number"));
    case BodyState::kNoLength:
      return Reject(c, Status::InvalidArgument("the body has no CONTENT_LENGTH (Transfer-Encoding "
                                               "without a length): it cannot be read"));
    case BodyState::kTruncated:
      return Reject(c, Status::InvalidArgument("the body is shorter than its Content-Length"));
  }
  return std::nullopt;
}

// Parse: the DLRs (or the handshake's challenge) that the body and the
// query string (valid) carry. `query_rest`: the query string without the token.
StatusOr<Payload> Parse(const Call& c, const std::string& query_rest) {
  return ParsePayload(c.req.body, c.req.content_type, query_rest, c.query.value(),
                      c.webhook.field_names, c.config.limits);
}

// A payload that could not be parsed: 413 when over a limit (kept nowhere,
// like an oversized body), else a kept refusal.
Response RefuseUnparsed(const Call& c, const Status& why) {
  if (why.code() == StatusCode::kTooLarge) {
    Warn(c, "refused (too_large): " + why.message());
    return ErrorResponse(why);
  }
  return Reject(c, why);
}

// Handshake: a payload without DLRs. With a token, the verification
// handshake (403 for a wrong one); an event of a type without DLRs, 200 with
// "ignored"; an empty body, 200; else 422 (kept).
Response AnswerWithoutDlrs(const Call& c, const Payload& p) {
  if (const std::string* token = FindParam(c.query.value(), "token")) {
    Status s = CheckToken(*token, c.webhook.validation_key);
    if (!s.ok()) {
      Warn(c, "refused (forbidden): " + s.message());
      return ErrorResponse(s);
    }
    return HandshakeResponse(p.challenge, *c.webhook.validation_key);
  }
  if (p.ignored_event) {
    // Another of the platform's events (Telnyx's message.received): acknowledged, so that
    // it is not retried, and nothing stored; the warning tells the operator it came here.
    Warn(c, "ignored an event of type \"" + p.ignored_event->substr(0, 64) +
                "\": it carries no DLR (stored 0)");
    return Json(200, "{\"ok\":true,\"stored\":0,\"duplicates\":0,\"ignored\":1}");
  }
  if (p.body_empty) return Json(200, "{\"ok\":true}");
  return Reject(c, Status::Unprocessable("the body carries no DLR (no \"" +
                                         c.webhook.field_names[Field::kId] + "\" or \"" +
                                         c.webhook.field_names[Field::kStatus] + "\")"));
}

// Store: the batch `p` carries, received now, each DLR classed by the
// webhook's provider.
Batch MakeBatch(const Call& c, Payload p, const std::string& query_rest) {
  for (Dlr& d : p.dlrs) {
    d.dlr_class = ClassifyStatus(c.webhook.provider, d.Get(Field::kStatus).value_or(""));
  }
  Batch batch;
  batch.webhook = c.webhook.name;
  batch.received_at = FormatUtcMillis(c.clock.NowMillis());
  if (!p.body_empty) batch.query = query_rest;
  batch.dlrs = std::move(p.dlrs);
  return batch;
}

// Commits `batch`, observing how long the commit took.
StatusOr<BatchResult> Commit(const Call& c, const Batch& batch) {
  const int64_t started = c.clock.MonotonicMicros();
  StatusOr<BatchResult> result = c.store.StoreBatch(batch);
  if (c.metrics && result.ok()) {
    c.metrics->ObserveCommit(static_cast<uint64_t>(c.clock.MonotonicMicros() - started));
  }
  return result;
}

// Answer: 200 with the counts once `batch` is committed; a kept refusal when
// a value cannot be stored; 503 for any other storage fault.
Response AnswerCommitted(const Call& c, const Batch& batch, const StatusOr<BatchResult>& result) {
  if (!result.ok() && result.status().code() == StatusCode::kUnprocessable) {
    // A server database cannot hold a value (too long for its column, not
    // valid UTF-8): retrying will not help; the body is kept for the operator.
    return Reject(c, result.status());
  }
  if (!result.ok()) {
    // Whatever the fault, nothing was stored and the platform should retry.
    Log(LogLevel::kError, "storage failed, answered 503: " + result.status().ToString(),
        LogContext(c.req, &c.webhook));
    return ErrorResponse(Status::Unavailable("storage is unavailable; retry later"));
  }
  const BatchResult& counts = result.value();
  if (c.metrics) {
    c.metrics->CountStored(counts.stored, counts.duplicates);
    for (const Dlr& d : batch.dlrs) c.metrics->CountStatus(d.Get(Field::kStatus).value_or(""));
  }
  if (LogEnabled(LogLevel::kInfo)) {  // not built at the default level: every stored DLR passes
    Log(LogLevel::kInfo,
        "stored " + std::to_string(counts.stored) + ", duplicates " +
            std::to_string(counts.duplicates),
        LogContext(c.req, &c.webhook));
  }
  JsonObjectWriter out;
  out.Bool("ok", true);
  out.Int("stored", static_cast<int64_t>(counts.stored));
  out.Int("duplicates", static_cast<int64_t>(counts.duplicates));
  return Json(200, out.Finish());
}

bool MethodAllowed(const Request& req) {
  return req.method == "GET" || req.method == "POST" || req.method == "PUT";
}

// A store for the refusals decided before the body: nothing is ever written.
class NoStore : public StoreWriter {
 public:
  Status EnsureSchema() override { return Status::Internal("no store before the body"); }
  Status Commit(const std::vector<const Batch*>&, std::vector<BatchResult>*) override {
    return Status::Internal("no store before the body");
  }
  Status RecordRejected(const Rejected&) override {
    return Status::Internal("no store before the body");
  }
};

// The steps, top-down: route, auth, body, parse, handshake, store, answer.
Response Handle(const Request& req, const Config& config, StoreWriter& store, const Clock& clock,
                Metrics* metrics) {
  if (std::optional<Response> refused = BadPath(req)) return std::move(*refused);
  const Webhook* w = FindWebhook(config, req.path);
  if (!w) return NotFound(req);
  const bool method_allowed = MethodAllowed(req);
  const StatusOr<Params> query = ParseUrlEncoded(req.query);
  const Call c{req, config, store, clock, metrics, *w, method_allowed, query};

  if (std::optional<Response> refused = Authorize(c)) return std::move(*refused);
  if (std::optional<Response> refused = CheckBody(c)) return std::move(*refused);
  if (std::optional<Response> refused = CheckSignature(c)) return std::move(*refused);

  if (!query.ok()) {
    return Reject(
        c, Status::InvalidArgument("the query string is not valid: " + query.status().message()));
  }
  // The verification token is no part of an event: it never reaches a row.
  const std::string query_rest = WithoutParam(req.query, "token");
  StatusOr<Payload> payload = Parse(c, query_rest);
  const bool without_dlrs = payload.ok() && payload.value().dlrs.empty();
  if (!method_allowed && !without_dlrs)
    return MethodNotAllowed(c);  // other methods: handshake only
  if (!payload.ok()) return RefuseUnparsed(c, payload.status());
  if (without_dlrs) return AnswerWithoutDlrs(c, payload.value());

  const Batch batch = MakeBatch(c, std::move(payload).value(), query_rest);
  return AnswerCommitted(c, batch, Commit(c, batch));
}

}  // namespace

std::optional<Response> RefuseUnnormalPath(const Request& req, Metrics* metrics) {
  std::optional<Response> refused = BadPath(req);
  if (refused && metrics) metrics->CountAnswer(refused->status);
  return refused;
}

LogFields LogContext(const Request& req, const Webhook* w) {
  return {{"webhook", w ? w->name : "-"},
          {"remote", req.remote_addr.empty() ? "-" : req.remote_addr},
          {"method", req.method},
          {"path", req.path},
          {"request_id", req.request_id.empty() ? "-" : req.request_id}};
}

std::optional<Response> RefuseBeforeBody(const Request& req, const Config& config,
                                         Metrics* metrics) {
  std::optional<Response> refused = BadPath(req);
  if (!refused) {
    if (const Webhook* w = FindWebhook(config, req.path)) {
      NoStore none;
      const StatusOr<Params> query = ParseUrlEncoded(req.query);
      const Call c{req, config, none, SystemClock(), metrics, *w, MethodAllowed(req), query};
      refused = Authorize(c);
    } else {
      refused = NotFound(req);
    }
  }
  if (refused && metrics) metrics->CountAnswer(refused->status);
  return refused;
}

Response HandleRequest(const Request& req, const Config& config, StoreWriter& store,
                       const Clock& clock, Metrics* metrics) {
  Response r = Handle(req, config, store, clock, metrics);
  if (metrics) metrics->CountAnswer(r.status);
  return r;
}

}  // namespace dlr
