#include "common/ops/report.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

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

// A rate with four significant digits, or null without a final event.
void WriteRate(double rate, JsonWriter* w) {
  if (rate < 0) {
    w->Null();
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", rate);
  w->Number(buf);
}

void WriteCounts(const StatusCounts& c, JsonWriter* w) {
  WriteCountMembers(c, w);
  w->Key("delivered_rate");
  WriteRate(c.DeliveredRate(), w);
  w->Key("failed_rate");
  WriteRate(c.FailedRate(), w);
}

void WriteGroups(const std::vector<StatsGroup>& groups, const char* key, JsonWriter* w) {
  w->StartArray();
  for (const StatsGroup& g : groups) {
    w->StartObject();
    w->Key(key);
    w->OptionalString(g.key);
    WriteCounts(g.counts, w);
    if (!g.last_received_at.empty()) {
      w->Key("last_received_at");
      w->String(g.last_received_at);
    }
    w->EndObject();
  }
  w->EndArray();
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

void WriteCountMembers(const StatusCounts& c, JsonWriter* w) {
  w->Key("events");
  w->Int(c.events);
  w->Key("delivered");
  w->Int(c.delivered);
  w->Key("failed");
  w->Int(c.failed);
  w->Key("pending");
  w->Int(c.pending);
}

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

void WriteStatsJson(const EventStats& s, const EventFilter& f, JsonWriter* w) {
  w->StartObject();
  w->Key("filter");
  w->StartObject();
  w->Key("since");
  w->NonEmptyString(f.since);
  w->Key("until");
  w->NonEmptyString(f.until);
  w->Key("statuses");
  w->StartArray();
  for (const std::string& status : f.statuses) w->String(status);
  w->EndArray();
  w->Key("webhook");
  w->NonEmptyString(f.webhook);
  w->Key("id");
  w->NonEmptyString(f.id);
  w->EndObject();
  WriteCounts(s.total, w);
  w->Key("first_received_at");
  w->NonEmptyString(s.first_received_at);
  w->Key("last_received_at");
  w->NonEmptyString(s.last_received_at);
  for (const auto& [name, groups, key] :
       {std::tuple<const char*, const std::vector<StatsGroup>*, const char*>{
            "by_status", &s.by_status, "status"},
        {"by_provider", &s.by_provider, "provider"},
        {"by_location", &s.by_location, "location"},
        {"by_day", &s.by_day, "day"},
        {"by_hour", &s.by_hour, "hour"},
        {"by_webhook", &s.by_webhook, "webhook"}}) {
    w->Key(name);
    WriteGroups(*groups, key, w);
  }
  w->EndObject();
}

std::string RenderStatsJson(const EventStats& s, const EventFilter& f) {
  JsonWriter w;
  WriteStatsJson(s, f, &w);
  return w.Text() + "\n";
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

void WriteRejectedMembers(const RejectedRow& r, JsonWriter* w) {
  const Rejected& j = r.rejected;
  w->Key("seq");
  w->Int(r.seq);
  w->Key("received_at");
  w->String(j.received_at);
  w->Key("webhook");
  w->String(j.webhook);
  w->Key("remote_addr");
  w->String(j.remote_addr);
  w->Key("http_status");
  w->Int(j.http_status);
  w->Key("error");
  w->String(j.error);
  w->Key("reason");
  w->String(j.reason);
  w->Key("content_type");
  w->String(j.content_type);
}

std::string RejectedJsonLine(const RejectedRow& r) {
  const Rejected& j = r.rejected;
  JsonWriter w;
  w.StartObject();
  WriteRejectedMembers(r, &w);
  w.Key("method");
  w.NonEmptyString(j.method);
  w.Key("query");
  w.OptionalString(j.query);
  w.Key("raw");
  w.String(j.raw);
  w.Key("replayed_at");
  w.OptionalString(r.replayed_at);
  w.Key("replay_status");
  if (r.replayed_at) {
    w.Int(r.replay_status);
  } else {
    w.Null();
  }
  w.EndObject();
  return w.Text() + "\n";
}

}  // namespace dlr
