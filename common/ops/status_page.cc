#include "common/ops/status_page.h"

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "common/base/log.h"
#include "common/http/auth.h"
#include "common/http/http_status.h"
#include "common/http/query.h"
#include "common/ops/dashboard.h"

namespace dlr {
namespace {

// Scripts, plugins, frames, forms, remote anything: none. The page needs
// its own inline <style> only.
constexpr char kPageCsp[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";
// A raw body is text, and nothing in it may run, even opened on its own.
constexpr char kRawCsp[] = "default-src 'none'; sandbox; frame-ancestors 'none'";

Response WithPageHeaders(Response r, const char* csp) {
  r.headers.emplace_back("Content-Security-Policy", csp);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response PageError(const Status& s) { return WithPageHeaders(PageErrorResponse(s), kPageCsp); }

// Every comparison is made, whichever matches (no early exit past a match).
bool PasswordGiven(const Request& req, const DashboardConfig& d) {
  bool ok = false;
  if (std::optional<BasicCredentials> basic = ParseBasic(req.authorization)) {
    bool user_ok = !d.user || ConstantTimeEquals(basic->user, *d.user);
    ok = ConstantTimeEquals(basic->password, *d.password) && user_ok;
  }
  if (std::optional<std::string_view> bearer = ParseBearer(req.authorization)) {
    ok = ConstantTimeEquals(*bearer, *d.password) || ok;
  }
  return ok;
}

// The part of `path` after the dashboard's path: "" for the page itself,
// "/data.json", "/rejected/12", ...
std::string SubPath(std::string_view path, const std::string& base) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path.substr(base.size()));
}

// "12" -> 12; anything but a positive whole number below 2^62 -> 0.
int64_t ParseSeq(const std::string& s) {
  if (s.empty() || s.size() > 18) return 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
  }
  return std::strtoll(s.c_str(), nullptr, 10);
}

StatusOr<DashboardData> ReadData(const Config& config, StoreReader& reader, int64_t now_millis) {
  const DashboardConfig& dc = *config.dashboard;
  DashboardData d;
  d.base_path = dc.path;
  d.now_millis = now_millis;
  d.stale_after_minutes = dc.stale_after_minutes;
  EventFilter window;
  window.since = WindowStart(now_millis);
  StatusOr<EventStats> stats = reader.Stats(window);
  if (!stats.ok()) return stats.status();
  d.stats = std::move(stats).value();
  RejectedFilter refused;
  refused.limit = kDashboardRejected;
  Status s = reader.ScanRejected(refused, [&d](const RejectedRow& r) {
    d.rejected.push_back(r);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::vector<WebhookRef> configured;
  for (const Webhook& w : config.webhooks) configured.push_back({w.name, w.path.value_or("")});
  // A webhook with nothing in the window: when its last DLR came, however
  // long ago (one indexed lookup each).
  std::vector<std::string> quiet = WebhooksWithoutEvents(configured, d.stats);
  std::map<std::string, std::string> earlier;
  if (!quiet.empty()) {
    StatusOr<std::vector<std::string>> last = reader.LastReceivedAt(quiet);
    if (!last.ok()) return last.status();
    for (size_t i = 0; i < quiet.size(); ++i) {
      if (!last.value()[i].empty()) earlier[quiet[i]] = last.value()[i];
    }
  }
  d.webhooks = WebhookActivities(configured, d.stats, now_millis, dc.stale_after_minutes, earlier);
  return d;
}

Response Unreadable(const Status& s) {
  Log(LogLevel::kError, "status page: cannot read the database: " + s.ToString());
  return PageError(Status::Unavailable("the database cannot be read right now; retry later"));
}

}  // namespace

bool IsDashboardPath(const Config& config, std::string_view path) {
  if (!config.dashboard) return false;
  const std::string& base = config.dashboard->path;
  if (path.compare(0, base.size(), base) != 0) return false;
  return path.size() == base.size() || path[base.size()] == '/';
}

Response HandleDashboard(const Request& req, const Config& config, StoreReader& reader,
                         int64_t now_millis) {
  if (!IsDashboardPath(config, req.path)) {
    return PageError(Status::NotFound("there is no page at this path"));
  }
  const DashboardConfig& dc = *config.dashboard;
  const std::string sub = SubPath(req.path, dc.path);
  // Raw bodies (mobile numbers) are never served without the password.
  const bool raw = sub.rfind("/rejected/", 0) == 0;
  const bool password_given = dc.password && PasswordGiven(req, dc);
  if (!password_given) {
    const bool loopback = dc.loopback_without_password && IsLoopback(req.remote_addr);
    if (dc.password && (!loopback || raw)) {
      return PageError(Status::Unauthenticated("the status page's password is required"));
    }
    if (!loopback) {
      return PageError(Status::PermissionDenied(
          "without dashboard.password the status page answers loopback clients only"));
    }
    if (raw) {
      return PageError(Status::PermissionDenied(
          "the raw bodies of refused requests are served only with dashboard.password"));
    }
  }
  if (req.method != "GET" && req.method != "HEAD") {
    return PageError(Status::MethodNotAllowed("the status page is read with GET"));
  }

  if (raw) {
    int64_t seq = ParseSeq(sub.substr(10));
    if (seq <= 0) return PageError(Status::NotFound("no refused request has this number"));
    StatusOr<RejectedRow> row = reader.GetRejected(seq);
    if (!row.ok()) {
      if (row.status().code() == StatusCode::kNotFound) {
        return PageError(Status::NotFound("no refused request has seq " + std::to_string(seq)));
      }
      return Unreadable(row.status());
    }
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = row.value().rejected.raw;
    r.headers.emplace_back("Content-Disposition", "inline");
    return WithPageHeaders(std::move(r), kRawCsp);
  }
  bool json = sub == "/data.json";
  if (!json && !sub.empty()) return PageError(Status::NotFound("there is no page at this path"));
  if (!json) {
    StatusOr<Params> q = ParseUrlEncoded(req.query);
    const std::string* format = q.ok() ? FindParam(q.value(), "format") : nullptr;
    json = format != nullptr && *format == "json";
  }
  StatusOr<DashboardData> data = ReadData(config, reader, now_millis);
  if (!data.ok()) return Unreadable(data.status());
  Response r;
  if (json) {
    r.body = RenderDashboardJson(data.value());
  } else {
    r.content_type = "text/html; charset=utf-8";
    r.body = RenderDashboardHtml(data.value());
  }
  return WithPageHeaders(std::move(r), kPageCsp);
}

}  // namespace dlr
