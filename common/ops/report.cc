#include "common/ops/report.h"

#include <algorithm>
#include <cstdio>

#include "common/base/json_out.h"

namespace dlr {
namespace {

size_t Utf8Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Cell(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  return out;
}

std::string KeyCell(const std::optional<std::string>& key) {
  return key ? (key->empty() ? "(empty)" : Cell(*key)) : "(none)";
}

std::string Num(int64_t n) { return std::to_string(n); }

std::string JsonRate(double rate) {
  if (rate < 0) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", rate);
  return buf;
}

std::string JsonOptional(const std::optional<std::string>& v) { return v ? JsonQuote(*v) : "null"; }

std::string JsonText(const std::string& v) { return v.empty() ? "null" : JsonQuote(v); }

void AppendCounts(const StatusCounts& c, std::string* out) {
  *out += "\"events\":" + Num(c.events) + ",\"delivered\":" + Num(c.delivered) +
          ",\"failed\":" + Num(c.failed) + ",\"pending\":" + Num(c.pending) +
          ",\"delivered_rate\":" + JsonRate(c.DeliveredRate()) +
          ",\"failed_rate\":" + JsonRate(c.FailedRate());
}

std::string GroupsJson(const std::vector<StatsGroup>& groups, const char* key) {
  std::string out = "[";
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i) out += ',';
    out += "{" + JsonQuote(key) + ":" + JsonOptional(groups[i].key) + ",";
    AppendCounts(groups[i].counts, &out);
    if (!groups[i].last_received_at.empty()) {
      out += ",\"last_received_at\":" + JsonQuote(groups[i].last_received_at);
    }
    out += "}";
  }
  return out + "]";
}

std::string GroupsTable(const std::vector<StatsGroup>& groups, const std::string& title) {
  std::vector<std::vector<std::string>> rows;
  for (const StatsGroup& g : groups) {
    const StatusCounts& c = g.counts;
    rows.push_back({KeyCell(g.key), Num(c.events), Num(c.delivered), Num(c.failed), Num(c.pending),
                    FormatPercent(c.DeliveredRate())});
  }
  return RenderTable({title, "events", "delivered", "failed", "pending", "delivered%"}, rows,
                     "lrrrrr");
}

std::string FilterLine(const EventFilter& f) {
  std::string out;
  auto add = [&out](const std::string& what) { out += (out.empty() ? "" : ", ") + what; };
  if (!f.since.empty()) add("since " + f.since);
  if (!f.until.empty()) add("until " + f.until + " (excluded)");
  if (!f.statuses.empty()) {
    std::string s;
    for (const std::string& st : f.statuses) s += (s.empty() ? "" : ",") + st;
    add("status " + Cell(s));
  }
  if (!f.webhook.empty()) add("webhook " + Cell(f.webhook));
  if (!f.id.empty()) add("id " + Cell(f.id));
  return out;
}

}  // namespace

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows,
                        const std::string& align) {
  std::vector<size_t> width(header.empty() ? align.size() : header.size(), 0);
  auto measure = [&width](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], Utf8Width(row[c]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
      if (c) out += "  ";
      size_t pad = width[c] - Utf8Width(row[c]);
      bool right = c < align.size() && align[c] == 'r';
      if (right) out.append(pad, ' ');
      out += row[c];
      if (!right) out.append(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = header.empty() ? "" : line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string FormatPercent(double rate) {
  if (rate < 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", rate * 100.0);
  return buf;
}

std::string RenderStatsTable(const EventStats& s, const EventFilter& filter) {
  std::string out;
  std::string f = FilterLine(filter);
  if (!f.empty()) out += "events " + f + "\n";
  const StatusCounts& t = s.total;
  std::vector<std::vector<std::string>> totals = {
      {"events", Num(t.events),
       s.first_received_at.empty()
           ? std::string()
           : "received " + s.first_received_at + " .. " + s.last_received_at},
      {"delivered", Num(t.delivered),
       t.delivered + t.failed ? FormatPercent(t.DeliveredRate()) + " of final events" : ""},
      {"failed", Num(t.failed),
       t.delivered + t.failed ? FormatPercent(t.FailedRate()) + " of final events" : ""},
      {"pending", Num(t.pending), ""},
  };
  out += RenderTable({}, totals, "lrl");
  if (s.total.events == 0) return out;
  std::vector<std::vector<std::string>> statuses;
  for (const StatsGroup& g : s.by_status) {
    statuses.push_back({KeyCell(g.key), Num(g.counts.events),
                        FormatPercent(static_cast<double>(g.counts.events) /
                                      static_cast<double>(s.total.events))});
  }
  out += "\n" + RenderTable({"status", "events", "share"}, statuses, "lrr");
  out += "\n" + GroupsTable(s.by_provider, "provider");
  out += "\n" + GroupsTable(s.by_location, "location");
  out += "\n" + GroupsTable(s.by_day, "day (UTC)");
  if (s.by_webhook.empty()) return out;
  std::vector<std::vector<std::string>> webhooks;
  for (const StatsGroup& g : s.by_webhook) {
    const StatusCounts& c = g.counts;
    webhooks.push_back({KeyCell(g.key), Num(c.events), Num(c.delivered), Num(c.failed),
                        Num(c.pending), FormatPercent(c.DeliveredRate()), g.last_received_at});
  }
  out += "\n" + RenderTable({"webhook", "events", "delivered", "failed", "pending", "delivered%",
                             "last received"},
                            webhooks, "lrrrrrl");
  return out;
}

std::string RenderStatsJson(const EventStats& s, const EventFilter& f) {
  std::string out = "{\"filter\":{\"since\":" + JsonText(f.since) +
                    ",\"until\":" + JsonText(f.until) + ",\"statuses\":[";
  for (size_t i = 0; i < f.statuses.size(); ++i) {
    out += (i ? "," : "") + JsonQuote(f.statuses[i]);
  }
  out += "],\"webhook\":" + JsonText(f.webhook) + ",\"id\":" + JsonText(f.id) + "},";
  AppendCounts(s.total, &out);
  out += ",\"first_received_at\":" + JsonText(s.first_received_at) +
         ",\"last_received_at\":" + JsonText(s.last_received_at);
  out += ",\"by_status\":" + GroupsJson(s.by_status, "status");
  out += ",\"by_provider\":" + GroupsJson(s.by_provider, "provider");
  out += ",\"by_location\":" + GroupsJson(s.by_location, "location");
  out += ",\"by_day\":" + GroupsJson(s.by_day, "day");
  out += ",\"by_hour\":" + GroupsJson(s.by_hour, "hour");
  out += ",\"by_webhook\":" + GroupsJson(s.by_webhook, "webhook");
  return out + "}\n";
}

std::string RenderRejectedTable(const std::vector<RejectedRow>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const RejectedRow& r : rows) {
    const Rejected& j = r.rejected;
    cells.push_back({Num(r.seq), j.received_at, Cell(j.webhook),
                     j.remote_addr.empty() ? "-" : Cell(j.remote_addr),
                     std::to_string(j.http_status), Cell(j.error),
                     Num(static_cast<int64_t>(j.raw.size())),
                     r.replayed_at ? std::to_string(r.replay_status) : "-", Cell(j.reason)});
  }
  return RenderTable(
      {"seq", "received_at", "webhook", "remote", "http", "error", "bytes", "replay", "reason"},
      cells, "rlllrlrrl");
}

std::string RejectedJsonLine(const RejectedRow& r) {
  const Rejected& j = r.rejected;
  return "{\"seq\":" + Num(r.seq) + ",\"received_at\":" + JsonQuote(j.received_at) +
         ",\"webhook\":" + JsonQuote(j.webhook) + ",\"remote_addr\":" + JsonQuote(j.remote_addr) +
         ",\"http_status\":" + std::to_string(j.http_status) + ",\"error\":" + JsonQuote(j.error) +
         ",\"reason\":" + JsonQuote(j.reason) + ",\"content_type\":" + JsonQuote(j.content_type) +
         ",\"method\":" + JsonText(j.method) + ",\"query\":" + JsonOptional(j.query) +
         ",\"raw\":" + JsonQuote(j.raw) + ",\"replayed_at\":" + JsonOptional(r.replayed_at) +
         ",\"replay_status\":" + (r.replayed_at ? std::to_string(r.replay_status) : "null") + "}\n";
}

}  // namespace dlr
