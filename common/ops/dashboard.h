// The status page's documents: the HTML page and the JSON it is drawn from,
// both built from one DashboardData (read by status_page.cc through
// StoreReader::Stats and StoreReader::ScanRejected, the code `dlrctl stats`
// and `dlrctl rejected` use, and StoreReader::LastReceivedAt for a webhook
// quiet all window).
//
// Pure functions. Every value that came from outside (provider, location,
// status, webhook names, reasons, remote addresses, bodies) is escaped in
// the HTML (html.h) and quoted in the JSON (json_out.h); a stored value is
// shown as text and never read as markup.
#ifndef DLR_COMMON_OPS_DASHBOARD_H_
#define DLR_COMMON_OPS_DASHBOARD_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/ops/svg_chart.h"
#include "common/store/reader.h"

namespace dlr {

// The page's window: the current hour and the 47 before it.
inline constexpr int kDashboardHours = 48;
// How many refused requests the page lists (newest first).
inline constexpr size_t kDashboardRejected = 20;
// The longest list of providers, locations or statuses the HTML shows (the
// JSON has them all).
inline constexpr size_t kDashboardMaxGroups = 25;

// A webhook as the page shows it.
struct WebhookActivity {
  std::string name;
  std::string path;        // "" for a webhook answering every path
  bool configured = true;  // false: found in the rows only (renamed or removed)
  StatusCounts counts;     // in the window
  // Its latest event, in the window or before it (StoreReader::LastReceivedAt);
  // "" when it has none at all.
  std::string last_received_at;
  bool stale = false;  // no event for stale_after_minutes
};

struct DashboardData {
  std::string base_path;   // the page's path, for its links
  int64_t now_millis = 0;  // when the figures were read (ms since 1970, UTC)
  int stale_after_minutes = 60;
  EventStats stats;  // StoreReader::Stats over the window
  std::vector<WebhookActivity> webhooks;
  std::vector<RejectedRow> rejected;  // newest first, at most kDashboardRejected
};

// The hour keys ("YYYY-MM-DDTHH") of the window ending with the hour of
// `now_millis`, oldest first: kDashboardHours of them.
std::vector<std::string> WindowHours(int64_t now_millis);

// The window's first moment, "YYYY-MM-DDTHH:00:00.000Z": the start of the
// first of WindowHours.
std::string WindowStart(int64_t now_millis);

// The bars of the hourly chart: every hour of the window, in order, with
// the counts of stats.by_hour (zero for an hour without events).
std::vector<HourBar> HourBars(const EventStats& stats, const std::vector<std::string>& hours);

// The configured webhooks (in config order) with their activity, then any
// other webhook name found in `stats.by_webhook`. A webhook without events
// in the window takes its last_received_at from `earlier` (name -> latest
// received_at, as StoreReader::LastReceivedAt reads it). Stale: no event at
// all, or the latest one before now - stale_after_minutes.
struct WebhookRef {
  std::string name;
  std::string path;
};
std::vector<WebhookActivity> WebhookActivities(
    const std::vector<WebhookRef>& configured, const EventStats& stats, int64_t now_millis,
    int stale_after_minutes, const std::map<std::string, std::string>& earlier = {});

// The configured webhooks without an event in `stats` (in config order):
// those whose last DLR the page looks up with StoreReader::LastReceivedAt.
std::vector<std::string> WebhooksWithoutEvents(const std::vector<WebhookRef>& configured,
                                               const EventStats& stats);

// The page: a complete HTML5 document without scripts, with a viewport meta
// and CSS that reflows on a narrow screen.
std::string RenderDashboardHtml(const DashboardData& data);

// The same figures as one JSON object: "generated_at", "window" {"since",
// "hours"}, "stale_after_minutes", "stats" (exactly `dlrctl stats --json`
// for the window), "webhooks" [{"name", "path", "configured", "events",
// "delivered", "failed", "pending", "last_received_at", "stale"}], and
// "rejected" [{"seq", "received_at", "webhook", "remote_addr",
// "http_status", "error", "reason", "content_type", "method", "bytes",
// "raw_url"}] (the body itself one request away, at raw_url).
std::string RenderDashboardJson(const DashboardData& data);

}  // namespace dlr

#endif  // DLR_COMMON_OPS_DASHBOARD_H_
