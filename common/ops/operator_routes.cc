#include "common/ops/operator_routes.h"

#include <optional>
#include <string_view>

#include "common/base/json_out.h"
#include "common/base/log.h"
#include "common/http/auth.h"
#include "common/http/http_status.h"
#include "common/ops/status_page.h"
#include "common/webhook/handler.h"

namespace dlr {
namespace {

using Route = Response (*)(const Request&, const Config&, const OperatorContext&);

std::string_view Trimmed(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

bool Readable(const Request& req) { return req.method == "GET" || req.method == "HEAD"; }

// 405 for an operator's path, which answers GET and HEAD only.
Response NotReadable() {
  Response r = ErrorResponse(Status::MethodNotAllowed("the method must be GET or HEAD"));
  for (auto& h : r.headers) {
    if (h.first == "Allow") h.second = "GET, HEAD";
  }
  return r;
}

Response HealthRoute(const Request& req, const Config&, const OperatorContext& ctx) {
  if (!Readable(req)) return NotReadable();
  int version = 0;
  Status s = ctx.with_reader ? ctx.with_reader([&version](StoreReader& reader) {
    StatusOr<int> v = reader.Ping();
    if (!v.ok()) return v.status();
    version = v.value();
    return Status::Ok();
  })
                             : Status::Unavailable("no database reader");
  if (!s.ok()) {
    Log(LogLevel::kError, "health: the database does not answer: " + s.ToString(),
        LogContext(req, nullptr));
    return ErrorResponse(Status::Unavailable("the database does not answer"));
  }
  Response r;
  JsonObjectWriter w;
  w.Bool("ok", true);
  w.Int("schema_version", version);
  r.body = w.Finish();
  return r;
}

// 429 for an address with too many failed logins (logged); nullopt otherwise.
std::optional<Response> Throttled(const Request& req, const OperatorContext& ctx, bool page) {
  if (!ctx.throttle || !ctx.throttle->Blocked(req.remote_addr, ctx.now_millis)) return std::nullopt;
  Log(LogLevel::kWarning, "refused (too_many_requests): too many failed logins from this address",
      LogContext(req, nullptr));
  Status s = Status::TooManyRequests("too many failed logins from this address; retry later");
  return page ? PageErrorResponse(s) : ErrorResponse(s);
}

void CountFailure(const Request& req, const OperatorContext& ctx, int status) {
  if (status == 401 && ctx.throttle) ctx.throttle->Failed(req.remote_addr, ctx.now_millis);
}

Response MetricsRoute(const Request& req, const Config& config, const OperatorContext& ctx) {
  if (!Readable(req)) return NotReadable();
  if (std::optional<Response> r = Throttled(req, ctx, /*page=*/false)) return std::move(*r);
  if (!(config.metrics.loopback_without_password && IsLoopback(req.remote_addr))) {
    if (config.metrics.secrets.empty()) {
      Log(LogLevel::kWarning, "refused (forbidden): metrics from a non-loopback address",
          LogContext(req, nullptr));
      return ErrorResponse(Status::PermissionDenied("metrics are answered to loopback only"));
    }
    if (!BearerAuthorized(req.authorization, config.metrics.secrets)) {
      Log(LogLevel::kWarning, "refused (unauthorized): metrics without the right bearer secret",
          LogContext(req, nullptr));
      CountFailure(req, ctx, 401);
      return ErrorResponse(
          Status::Unauthenticated("a valid Authorization: Bearer secret is required"));
    }
  }
  if (!ctx.metrics) return ErrorResponse(Status::Unavailable("metrics are unavailable"));
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = ctx.metrics->Render();
  return r;
}

// The status page and everything below its path (status_page.h), read
// through the reader. Refused logins are logged as bad data from outside.
Response DashboardRoute(const Request& req, const Config& config, const OperatorContext& ctx) {
  if (std::optional<Response> t = Throttled(req, ctx, /*page=*/true)) return std::move(*t);
  Response r;
  Status s = ctx.with_reader ? ctx.with_reader([&](StoreReader& reader) {
    r = HandleDashboard(req, config, reader, ctx.now_millis);
    return Status::Ok();
  })
                             : Status::Unavailable("no database reader");
  if (!s.ok()) {
    Log(LogLevel::kError, "status page: the database does not answer: " + s.ToString(),
        LogContext(req, nullptr));
    return PageErrorResponse(Status::Unavailable("the database does not answer"));
  }
  CountFailure(req, ctx, r.status);
  if (r.status == 401 || r.status == 403) {
    Log(LogLevel::kWarning,
        std::string("refused (") + (r.status == 401 ? "unauthorized" : "forbidden") +
            "): status page " +
            (r.status == 401 ? "without the dashboard password" : "from a non-loopback address"),
        LogContext(req, nullptr));
  }
  return r;
}

}  // namespace

bool IsOperatorPath(const Request& req, const Config& config) {
  std::string_view path = Trimmed(req.path);
  for (const std::string* p : {&config.health.path, &config.metrics.path}) {
    if (!p->empty() && path == *p) return true;
  }
  return IsDashboardPath(config, req.path);
}

std::optional<Response> HandleOperatorRequest(const Request& req, const Config& config,
                                              const OperatorContext& ctx) {
  // The route table: a path from the config and what answers it.
  const struct {
    const std::string& path;
    Route route;
  } routes[] = {
      {config.health.path, HealthRoute},
      {config.metrics.path, MetricsRoute},
  };
  std::string_view path = Trimmed(req.path);
  for (const auto& r : routes) {
    if (!r.path.empty() && path == r.path) return r.route(req, config, ctx);
  }
  // The status page answers its path and the paths below it.
  if (IsDashboardPath(config, req.path)) return DashboardRoute(req, config, ctx);
  return std::nullopt;
}

}  // namespace dlr
