// StoreReader (reader.h): the same operations on every backend, over the
// primitives of its Database and the SQL of event_sql.h.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "common/store/event_sql.h"
#include "common/store/reader.h"

namespace dlr {
namespace {

int64_t ToInt(const std::optional<std::string>& v) {
  return v ? std::strtoll(v->c_str(), nullptr, 10) : 0;
}

std::string Text(const std::optional<std::string>& v) { return v ? *v : std::string(); }

void Count(DlrClass c, int64_t n, StatusCounts* counts) {
  counts->events += n;
  switch (c) {
    case DlrClass::kDelivered:
      counts->delivered += n;
      break;
    case DlrClass::kPending:
      counts->pending += n;
      break;
    case DlrClass::kFailed:
      counts->failed += n;
      break;
  }
}

// The class stored with a group of events; a row without one (written
// around the store, say by a script) by its status text.
DlrClass StoredClass(const std::optional<std::string>& dlr_class, const std::string& status) {
  if (dlr_class) {
    if (std::optional<DlrClass> c = DlrClassFromName(*dlr_class)) return *c;
  }
  return StatusTextClass(status);
}

using Groups = std::map<std::optional<std::string>, StatusCounts>;

std::vector<StatsGroup> Sorted(const Groups& groups, bool by_key) {
  std::vector<StatsGroup> out;
  for (const auto& g : groups) out.push_back(StatsGroup{g.first, g.second});
  if (!by_key) {
    // Most events first; ties by key, NULL last.
    std::stable_sort(out.begin(), out.end(), [](const StatsGroup& a, const StatsGroup& b) {
      if (a.counts.events != b.counts.events) return a.counts.events > b.counts.events;
      if (a.key.has_value() != b.key.has_value()) return a.key.has_value();
      return a.key < b.key;
    });
  }
  return out;
}

void ToRejectedRow(const Row& row, RejectedRow* out) {
  out->seq = ToInt(row[0]);
  Rejected& r = out->rejected;
  r.received_at = Text(row[1]);
  r.webhook = Text(row[2]);
  r.remote_addr = Text(row[3]);
  r.http_status = static_cast<int>(ToInt(row[4]));
  r.error = Text(row[5]);
  r.reason = Text(row[6]);
  r.content_type = Text(row[7]);
  r.raw = Text(row[8]);
  r.method = Text(row[9]);
  r.query = row[10];
  out->replayed_at = row[11];
  out->replay_status = static_cast<int>(ToInt(row[12]));
}

Status WrongColumns(size_t got, size_t want) {
  return Status::Internal("a query returned " + std::to_string(got) + " columns, not " +
                          std::to_string(want));
}

}  // namespace

double StatusCounts::DeliveredRate() const {
  int64_t final_events = delivered + failed;
  return final_events > 0 ? static_cast<double>(delivered) / static_cast<double>(final_events)
                          : -1.0;
}

double StatusCounts::FailedRate() const {
  int64_t final_events = delivered + failed;
  return final_events > 0 ? static_cast<double>(failed) / static_cast<double>(final_events) : -1.0;
}

Status StoreReader::ScanEvents(const EventFilter& filter,
                               const std::function<Status(const EventRow&)>& each) {
  const SqlDialect d = db_.dialect();
  SqlStatement st = SelectEvents(d, filter);
  EventRow ev;
  return db_.QueryEach(st.sql, st.params, [&](const Row& row) -> Status {
    if (row.size() != kEventColumns) return WrongColumns(row.size(), kEventColumns);
    ev.seq = ToInt(row[0]);
    for (size_t i = 0; i < kFieldCount; ++i) ev.dlr.values[i] = row[1 + i];
    const std::optional<std::string>& dlr_class = row[1 + kEventClassValue];
    ev.dlr.dlr_class = dlr_class ? DlrClassFromName(*dlr_class) : std::nullopt;
    ev.webhook = Text(row[1 + kEventWebhookValue]);
    ev.dlr.raw = Text(row[1 + kEventRawValue]);
    ev.received_at = Text(row[1 + kEventReceivedAtValue]);
    ev.query = row[1 + kEventQueryValue];
    return each(ev);
  });
}

StatusOr<EventStats> StoreReader::Stats(const EventFilter& filter) {
  const SqlDialect d = db_.dialect();
  EventStats stats;
  Groups by_status, by_provider, by_location, by_day, by_hour, by_webhook;
  std::map<std::optional<std::string>, std::string> last;  // by webhook
  SqlStatement st = CountEvents(d, filter);
  Status s = db_.QueryEach(st.sql, st.params, [&](const Row& row) -> Status {
    if (row.size() != kCountColumns) return WrongColumns(row.size(), kCountColumns);
    const DlrClass c = StoredClass(row[5], Text(row[4]));
    const int64_t n = ToInt(row[6]);
    const std::string hour = Text(row[0]);
    Count(c, n, &stats.total);
    Count(c, n, &by_status[row[4]]);
    Count(c, n, &by_provider[row[2]]);
    Count(c, n, &by_location[row[3]]);
    Count(c, n, &by_day[hour.substr(0, 10)]);
    Count(c, n, &by_hour[hour]);
    Count(c, n, &by_webhook[row[1]]);
    const std::string first = Text(row[7]), latest = Text(row[8]);
    if (stats.first_received_at.empty() || first < stats.first_received_at) {
      stats.first_received_at = first;
    }
    stats.last_received_at = std::max(stats.last_received_at, latest);
    std::string& l = last[row[1]];
    l = std::max(l, latest);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  stats.by_status = Sorted(by_status, false);
  stats.by_provider = Sorted(by_provider, false);
  stats.by_location = Sorted(by_location, false);
  stats.by_day = Sorted(by_day, true);
  stats.by_hour = Sorted(by_hour, true);
  stats.by_webhook = Sorted(by_webhook, true);
  for (StatsGroup& g : stats.by_webhook) g.last_received_at = last[g.key];
  return stats;
}

StatusOr<std::vector<std::string>> StoreReader::LastReceivedAt(
    const std::vector<std::string>& webhooks) {
  const SqlDialect d = db_.dialect();
  std::vector<std::string> out;
  for (const std::string& w : webhooks) {
    SqlStatement st = SelectLastReceived(d, w);
    std::string last;
    Status s = db_.QueryEach(st.sql, st.params, [&](const Row& row) -> Status {
      if (row.size() != 1) return WrongColumns(row.size(), 1);
      last = Text(row[0]);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    out.push_back(last);
  }
  return out;
}

Status StoreReader::ScanRejected(const RejectedFilter& filter,
                                 const std::function<Status(const RejectedRow&)>& each) {
  const SqlDialect d = db_.dialect();
  SqlStatement st = SelectRejected(d, filter);
  RejectedRow r;
  return db_.QueryEach(st.sql, st.params, [&](const Row& row) -> Status {
    if (row.size() != kRejectedColumns) return WrongColumns(row.size(), kRejectedColumns);
    ToRejectedRow(row, &r);
    return each(r);
  });
}

StatusOr<RejectedRow> StoreReader::GetRejected(int64_t seq) {
  const SqlDialect d = db_.dialect();
  SqlStatement st = SelectRejectedBySeq(d, seq);
  std::optional<RejectedRow> found;
  Status s = db_.QueryEach(st.sql, st.params, [&](const Row& row) -> Status {
    if (row.size() != kRejectedColumns) return WrongColumns(row.size(), kRejectedColumns);
    found.emplace();
    ToRejectedRow(row, &*found);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!found) return Status::NotFound("no refused request has seq " + std::to_string(seq));
  return *found;
}

Status StoreReader::MarkReplayed(int64_t seq, const std::string& at, int http_status) {
  const SqlDialect d = db_.dialect();
  SqlStatement st = MarkReplayedSql(d, seq, at, http_status);
  StatusOr<int64_t> changed = db_.Execute(st.sql, st.params);
  if (!changed.ok()) return changed.status();
  if (changed.value() == 0) {
    return Status::NotFound("no refused request has seq " + std::to_string(seq));
  }
  return Status::Ok();
}

StatusOr<PurgeCounts> StoreReader::PurgeBefore(
    const std::string& before, size_t batch_size, bool dry_run,
    const std::function<void(const PurgeCounts&)>& progress) {
  const SqlDialect d = db_.dialect();
  if (batch_size == 0) return Status::InvalidArgument("the batch size must be at least 1");
  PurgeCounts counts;
  const std::pair<PurgeTable, int64_t*> tables[] = {
      {PurgeTable::kEvents, &counts.events},
      {PurgeTable::kRejected, &counts.rejected},
      {PurgeTable::kMessages, &counts.messages},
  };
  for (const auto& t : tables) {
    if (dry_run) {
      SqlStatement st = CountBefore(d, t.first, before);
      Status s = db_.QueryEach(st.sql, st.params, [&](const Row& row) -> Status {
        if (row.size() != 1) return WrongColumns(row.size(), 1);
        *t.second = ToInt(row[0]);
        return Status::Ok();
      });
      if (!s.ok()) return s;
      continue;
    }
    SqlStatement st = PurgeBatch(d, t.first, before, batch_size);
    for (;;) {
      StatusOr<int64_t> n = db_.Execute(st.sql, st.params);
      if (!n.ok()) return n.status();
      *t.second += n.value();
      if (progress) progress(counts);
      if (n.value() < static_cast<int64_t>(batch_size)) break;
    }
  }
  return counts;
}

}  // namespace dlr
