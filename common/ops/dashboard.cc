#include "common/ops/dashboard.h"

#include <map>
#include <set>

#include "common/base/html.h"
#include "common/base/json_out.h"
#include "common/base/time.h"
#include "common/ops/report.h"
#include "common/webhook/payload.h"

namespace dlr {
namespace {

constexpr int64_t kHourMillis = 3600 * 1000;

std::string H(const std::string& s) { return HtmlEscape(s); }

std::string N(int64_t n) { return std::to_string(n); }

// A group key as shown: "(none)" for NULL, "(empty)" for "".
std::string KeyText(const std::optional<std::string>& key) {
  return key ? (key->empty() ? "(empty)" : *key) : "(none)";
}

// "2026-03-01T10:00:00.000Z" -> "2026-03-01 10:00:00 UTC"; "" -> "-".
std::string When(const std::string& t) { return t.empty() ? "-" : ReadableUtc(t); }

// How long before `now_millis` `t` was: "5 days ago", "47 h ago"; "" when
// `t` cannot be read.
std::string Ago(const std::string& t, int64_t now_millis) {
  StatusOr<int64_t> then = ParseUtcMillis(t);
  if (!then.ok()) return "";
  int64_t hours = (now_millis - then.value()) / kHourMillis;
  if (hours < 0) hours = 0;
  if (hours < kDashboardHours) return std::to_string(hours) + " h ago";
  int64_t days = hours / 24;
  return std::to_string(days) + (days == 1 ? " day ago" : " days ago");
}

// A webhook's last DLR as shown: "never", its time, and, before the
// window, how long ago.
std::string LastDlrText(const std::string& last, int64_t now_millis) {
  if (last.empty()) return "never";
  if (last >= WindowStart(now_millis)) return When(last);
  std::string ago = Ago(last, now_millis);
  return When(last) + (ago.empty() ? "" : ", " + ago);
}

const char kStyle[] =
    "*{box-sizing:border-box}"
    "body{font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
    "padding:12px;color:#222;background:#f6f7f9}"
    "main{max-width:1040px;margin:0 auto}"
    "h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}"
    "p.meta{color:#555;margin:.2em 0 .8em}"
    "section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;"
    "margin:0 0 12px}"
    ".cards{display:flex;flex-wrap:wrap;gap:8px}"
    ".card{flex:1 1 130px;background:#fff;border:1px solid #ddd;border-radius:6px;"
    "padding:8px 12px}"
    ".card .n{display:block;font-size:1.6em;font-weight:600}"
    ".card .l{color:#555}"
    ".card.delivered .n{color:#2e7d32}.card.failed .n{color:#c62828}"
    ".card.pending .n{color:#757575}"
    "svg.chart{width:100%;height:auto;display:block}"
    "svg.rate{width:100px;height:10px;vertical-align:middle}"
    ".legend span{display:inline-block;margin-right:1em}"
    ".legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;"
    "vertical-align:-.05em}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;"
    "vertical-align:top}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.t{overflow-wrap:anywhere}"
    "tr.stale td{background:#fff3e0}"
    ".badge{display:inline-block;padding:0 .5em;border-radius:1em;font-size:.85em;"
    "font-weight:600}"
    ".badge.ok{background:#e8f5e9;color:#2e7d32}"
    ".badge.stale{background:#c62828;color:#fff}"
    // Scrolled from the right: on a phone the latest hours show first.
    ".chartbox{overflow-x:auto;direction:rtl}svg.chart{direction:ltr}"
    "@media (max-width:600px){body{padding:6px}th,td{padding:3px 4px}"
    "section{padding:6px}.card{flex-basis:40%}.card .n{font-size:1.3em}"
    ".opt{display:none}svg.chart{min-width:560px}svg.rate{width:60px}}";

std::string Legend() {
  return "<p class=\"legend\"><span><i style=\"background:#2e7d32\"></i>delivered</span>"
         "<span><i style=\"background:#c62828\"></i>failed</span>"
         "<span><i style=\"background:#9e9e9e\"></i>pending</span></p>";
}

std::string Card(const std::string& id, const std::string& cls, const std::string& value,
                 const std::string& label) {
  return "<div class=\"card " + cls + "\"><span class=\"n\" id=\"" + id + "\">" + H(value) +
         "</span><span class=\"l\">" + H(label) + "</span></div>";
}

// A table of groups with their delivery rate.
std::string RateTable(const std::string& id, const std::string& title, const std::string& what,
                      const std::vector<StatsGroup>& groups) {
  std::string out = "<section id=\"" + id + "\"><h2>" + H(title) + "</h2>";
  if (groups.empty()) return out + "<p>No DLR in the window.</p></section>";
  out += "<div class=\"scroll\"><table><thead><tr><th>" + H(what) +
         "</th><th class=\"n\">events</th><th class=\"n\">delivered</th><th class=\"n opt\">failed"
         "</th><th class=\"n opt\">pending</th><th class=\"n\">delivered %</th><th></th></tr>"
         "</thead>"
         "<tbody>";
  size_t shown = 0;
  for (const StatsGroup& g : groups) {
    if (++shown > kDashboardMaxGroups) break;
    const StatusCounts& c = g.counts;
    out += "<tr><td class=\"t\">" + H(KeyText(g.key)) + "</td><td class=\"n\">" + N(c.events) +
           "</td><td class=\"n\">" + N(c.delivered) + "</td><td class=\"n opt\">" + N(c.failed) +
           "</td><td class=\"n opt\">" + N(c.pending) + "</td><td class=\"n rate\">" +
           H(FormatPercent(c.DeliveredRate())) + "</td><td>" + RateBarSvg(c.DeliveredRate()) +
           "</td></tr>";
  }
  out += "</tbody></table></div>";
  if (groups.size() > kDashboardMaxGroups) {
    out += "<p class=\"meta\">" + N(static_cast<int64_t>(groups.size() - kDashboardMaxGroups)) +
           " more in the JSON.</p>";
  }
  return out + "</section>";
}

// What a status's events count as, by their stored classes: one class, or
// each class with its count when the status has several (a provider's
// "sent" is pending, ours is failed).
std::string CountsAs(const StatusCounts& c) {
  const std::pair<const char*, int64_t> classes[] = {
      {"delivered", c.delivered}, {"pending", c.pending}, {"failed", c.failed}};
  std::string out;
  int nonzero = 0;
  for (const auto& [name, n] : classes) {
    if (n == 0) continue;
    ++nonzero;
    out += (out.empty() ? "" : ", ") + std::string(name) + " " + N(n);
  }
  if (nonzero != 1) return out;
  for (const auto& [name, n] : classes) {
    if (n != 0) return name;
  }
  return out;
}

}  // namespace

std::vector<std::string> WindowHours(int64_t now_millis) {
  const int64_t hour = now_millis - ((now_millis % kHourMillis) + kHourMillis) % kHourMillis;
  std::vector<std::string> out;
  for (int i = kDashboardHours - 1; i >= 0; --i) {
    out.push_back(FormatUtcMillis(hour - i * kHourMillis).substr(0, 13));
  }
  return out;
}

std::vector<HourBar> HourBars(const EventStats& stats, const std::vector<std::string>& hours) {
  std::map<std::string, const StatusCounts*> found;
  for (const StatsGroup& g : stats.by_hour) {
    if (g.key) found[*g.key] = &g.counts;
  }
  std::vector<HourBar> out;
  for (const std::string& h : hours) {
    HourBar b;
    b.hour = h;
    auto f = found.find(h);
    if (f != found.end()) {
      b.delivered = f->second->delivered;
      b.failed = f->second->failed;
      b.pending = f->second->pending;
    }
    out.push_back(b);
  }
  return out;
}

std::vector<std::string> WebhooksWithoutEvents(const std::vector<WebhookRef>& configured,
                                               const EventStats& stats) {
  std::set<std::string> found;
  for (const StatsGroup& g : stats.by_webhook) {
    if (g.key) found.insert(*g.key);
  }
  std::vector<std::string> out;
  for (const WebhookRef& w : configured) {
    if (!found.count(w.name)) out.push_back(w.name);
  }
  return out;
}

std::vector<WebhookActivity> WebhookActivities(const std::vector<WebhookRef>& configured,
                                               const EventStats& stats, int64_t now_millis,
                                               int stale_after_minutes,
                                               const std::map<std::string, std::string>& earlier) {
  const std::string threshold =
      FormatUtcMillis(now_millis - static_cast<int64_t>(stale_after_minutes) * 60 * 1000);
  std::map<std::string, const StatsGroup*> found;
  for (const StatsGroup& g : stats.by_webhook) {
    if (g.key) found[*g.key] = &g;
  }
  std::vector<WebhookActivity> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& name, const std::string& path, bool is_configured) {
    WebhookActivity a;
    a.name = name;
    a.path = path;
    a.configured = is_configured;
    auto f = found.find(name);
    if (f != found.end()) {
      a.counts = f->second->counts;
      a.last_received_at = f->second->last_received_at;
    } else if (auto e = earlier.find(name); e != earlier.end()) {
      a.last_received_at = e->second;
    }
    a.stale = a.last_received_at.empty() || a.last_received_at < threshold;
    out.push_back(a);
    seen.insert(name);
  };
  for (const WebhookRef& w : configured) add(w.name, w.path, true);
  for (const auto& f : found) {
    if (!seen.count(f.first)) add(f.first, "", false);
  }
  return out;
}

std::string WindowStart(int64_t now_millis) { return WindowHours(now_millis)[0] + ":00:00.000Z"; }

std::string RenderDashboardHtml(const DashboardData& d) {
  const StatusCounts& t = d.stats.total;
  const std::string base = H(d.base_path);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"no-referrer\">"
      "<title>DLR status</title><style>";
  out += kStyle;
  out += "</style></head><body><main><h1>DLR status</h1><p class=\"meta\">The last " +
         N(kDashboardHours) + " hours, since <span id=\"since\">" +
         H(When(WindowStart(d.now_millis))) + "</span>; read <span id=\"generated\">" +
         H(When(FormatUtcMillis(d.now_millis))) + "</span>. <a href=\"" + base +
         "/data.json\">JSON</a></p>";

  out += "<div class=\"cards\" id=\"totals\">";
  out += Card("total-events", "events", N(t.events), "DLRs received");
  out += Card("total-delivered", "delivered", N(t.delivered), "delivered");
  out += Card("total-failed", "failed", N(t.failed), "failed");
  out += Card("total-pending", "pending", N(t.pending), "pending");
  out +=
      Card("delivery-rate", "rate", FormatPercent(t.DeliveredRate()), "delivered, of final DLRs");
  out += "</div>";

  out += "<section id=\"hourly\"><h2>DLRs per hour (UTC)</h2><div class=\"chartbox\">" +
         HourlyChartSvg(HourBars(d.stats, WindowHours(d.now_millis))) + "</div>" + Legend() +
         "</section>";

  // Webhooks: a stale one stands out.
  out +=
      "<section id=\"webhooks\"><h2>Webhooks</h2><div class=\"scroll\"><table><thead><tr>"
      "<th>webhook</th><th class=\"opt\">path</th><th class=\"n\">DLRs</th><th "
      "class=\"n\">delivered %</th>"
      "<th>last DLR</th><th>state</th></tr></thead><tbody>";
  for (const WebhookActivity& w : d.webhooks) {
    out += std::string("<tr class=\"") + (w.stale ? "stale" : "ok") + "\" data-webhook=\"" +
           H(w.name) + "\"><td class=\"t\">" + H(w.name) + "</td><td class=\"t opt\">" +
           H(w.configured ? (w.path.empty() ? "(every path)" : w.path) : "(not configured)") +
           "</td><td class=\"n\">" + N(w.counts.events) + "</td><td class=\"n\">" +
           H(FormatPercent(w.counts.DeliveredRate())) + "</td><td class=\"last\">" +
           H(LastDlrText(w.last_received_at, d.now_millis)) + "</td><td>" +
           (w.stale ? "<span class=\"badge stale\">stale</span>"
                    : "<span class=\"badge ok\">ok</span>") +
           "</td></tr>";
  }
  out += "</tbody></table></div><p class=\"meta\">Stale: no DLR for " + N(d.stale_after_minutes) +
         " minutes.</p></section>";

  out += RateTable("providers", "Delivery rate by provider", "provider", d.stats.by_provider);
  out += RateTable("locations", "Delivery rate by location", "location", d.stats.by_location);

  out += "<section id=\"statuses\"><h2>Status breakdown</h2>";
  if (d.stats.by_status.empty()) {
    out += "<p>No DLR in the window.</p>";
  } else {
    out +=
        "<div class=\"scroll\"><table><thead><tr><th>status</th><th>counts as</th>"
        "<th class=\"n\">events</th><th class=\"n\">share</th></tr></thead><tbody>";
    size_t shown = 0;
    for (const StatsGroup& g : d.stats.by_status) {
      if (++shown > kDashboardMaxGroups) break;
      out += "<tr><td class=\"t\">" + H(KeyText(g.key)) + "</td><td>" + CountsAs(g.counts) +
             "</td><td class=\"n\">" + N(g.counts.events) + "</td><td class=\"n\">" +
             H(FormatPercent(static_cast<double>(g.counts.events) /
                             static_cast<double>(t.events > 0 ? t.events : 1))) +
             "</td></tr>";
    }
    out += "</tbody></table></div>";
  }
  out += "</section>";

  out +=
      "<section id=\"rejected\"><h2>Refused requests (the last " + N(kDashboardRejected) + ")</h2>";
  if (d.rejected.empty()) {
    out += "<p>None.</p>";
  } else {
    out +=
        "<div class=\"scroll\"><table><thead><tr><th>when</th><th class=\"opt\">webhook</th>"
        "<th>answer</th><th>reason</th><th class=\"n\">bytes</th><th class=\"opt\">from</th>"
        "<th>body</th></tr>"
        "</thead><tbody>";
    for (const RejectedRow& r : d.rejected) {
      const Rejected& j = r.rejected;
      out += "<tr data-seq=\"" + N(r.seq) + "\"><td>" + H(When(j.received_at)) +
             "</td><td class=\"t opt\">" + H(j.webhook) + "</td><td>" + N(j.http_status) + " " +
             H(j.error) + "</td><td class=\"t reason\">" + H(j.reason) + "</td><td class=\"n\">" +
             N(static_cast<int64_t>(j.raw.size())) + "</td><td class=\"opt\">" +
             H(j.remote_addr.empty() ? "-" : j.remote_addr) + "</td><td><a href=\"" + base +
             "/rejected/" + N(r.seq) + "\">raw</a></td></tr>";
    }
    out += "</tbody></table></div>";
  }
  out += "</section></main></body></html>\n";
  return out;
}

std::string RenderDashboardJson(const DashboardData& d) {
  EventFilter window;
  window.since = WindowStart(d.now_millis);
  JsonWriter w;
  w.StartObject();
  w.Key("generated_at");
  w.String(FormatUtcMillis(d.now_millis));
  w.Key("window");
  w.StartObject();
  w.Key("since");
  w.String(window.since);
  w.Key("hours");
  w.Int(kDashboardHours);
  w.EndObject();
  w.Key("stale_after_minutes");
  w.Int(d.stale_after_minutes);
  w.Key("stats");
  WriteStatsJson(d.stats, window, &w);
  w.Key("webhooks");
  w.StartArray();
  for (const WebhookActivity& a : d.webhooks) {
    w.StartObject();
    w.Key("name");
    w.String(a.name);
    w.Key("path");
    w.NonEmptyString(a.path);
    w.Key("configured");
    w.Bool(a.configured);
    WriteCountMembers(a.counts, &w);
    w.Key("last_received_at");
    w.NonEmptyString(a.last_received_at);
    w.Key("stale");
    w.Bool(a.stale);
    w.EndObject();
  }
  w.EndArray();
  w.Key("rejected");
  w.StartArray();
  for (const RejectedRow& r : d.rejected) {
    const Rejected& j = r.rejected;
    w.StartObject();
    WriteRejectedMembers(r, &w);
    w.Key("method");
    w.String(j.method);
    w.Key("bytes");
    w.Int(static_cast<int64_t>(j.raw.size()));
    w.Key("raw_url");
    w.String(d.base_path + "/rejected/" + N(r.seq));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Text() + "\n";
}

}  // namespace dlr
