// StoreReader: the operator's reads and maintenance of the stored DLRs
// (dlrctl, the status page, the health route), the same on every backend:
// built on the primitives of a Database (database.h) and the SQL of each
// dialect (event_sql.h), implemented in store_read.cc.
//
// A StoreReader holds a reference to its Database, which must outlive it,
// and adds no state of its own; like the Database, it is used by one thread
// at a time. Each call returns Unavailable when the database cannot be
// reached, and Internal when a statement fails (or returns columns other
// than those asked for).
#ifndef DLR_COMMON_STORE_READER_H_
#define DLR_COMMON_STORE_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/store/database.h"
#include "common/store/record.h"
#include "common/store/store.h"

namespace dlr {

// Which stored rows an operator's command reads. An empty member matches
// everything. Times are UTC, "YYYY-MM-DDTHH:MM:SS.mmmZ" (see common/base/time.h).
struct EventFilter {
  std::string since;                  // received_at >= since
  std::string until;                  // received_at < until
  std::vector<std::string> statuses;  // any of them, compared without regard to case
  std::string webhook;                // exact
  std::string id;                     // exact
};

// One row of dlr_events as read back.
struct EventRow {
  int64_t seq = 0;
  Dlr dlr;  // the 22 fields (nullopt: NULL), raw, and dlr_class (nullopt: NULL)
  std::string webhook;
  std::string received_at;  // "YYYY-MM-DDTHH:MM:SS.mmmZ" on every backend
  std::optional<std::string> query;
};

// Event counts, by the class stored with each event (dlr_events.dlr_class:
// its provider's class for its status, or for our own platform DELIVRD
// delivered, AWAITING-DLR pending, any other status failed). An event
// without a stored class counts by its status text (StatusTextClass).
struct StatusCounts {
  int64_t events = 0;
  int64_t delivered = 0;
  int64_t failed = 0;
  int64_t pending = 0;
  // delivered / (delivered + failed), or a negative value when there is no
  // final event.
  double DeliveredRate() const;
  double FailedRate() const;
};

// One group of Stats: its key (the status, provider, location, day, hour or
// webhook; nullopt for NULL) and its counts.
struct StatsGroup {
  std::optional<std::string> key;
  StatusCounts counts;
  // The latest received_at of the group's events: by_webhook only ("" in
  // the other groupings).
  std::string last_received_at = {};
};

// The figures of StoreReader::Stats over the events a filter selects. Groups are
// ordered by events (most first, then key), by_day and by_hour by time,
// by_webhook by name.
struct EventStats {
  StatusCounts total;
  std::string first_received_at;  // "" when there is no event
  std::string last_received_at;
  std::vector<StatsGroup> by_status;
  std::vector<StatsGroup> by_provider;
  std::vector<StatsGroup> by_location;
  std::vector<StatsGroup> by_day;      // key "YYYY-MM-DD" (UTC)
  std::vector<StatsGroup> by_hour;     // key "YYYY-MM-DDTHH" (UTC); hours without events absent
  std::vector<StatsGroup> by_webhook;  // with last_received_at
};

// Which rows of dlr_rejected ScanRejected reads: newest first, at most
// `limit` (0: all).
struct RejectedFilter {
  std::string since;  // as EventFilter
  std::string until;
  std::string webhook;
  size_t limit = 0;
};

// One row of dlr_rejected as read back; rejected.received_at and
// replayed_at are "YYYY-MM-DDTHH:MM:SS.mmmZ".
struct RejectedRow {
  int64_t seq = 0;
  Rejected rejected;
  std::optional<std::string> replayed_at;  // nullopt: never replayed
  int replay_status = 0;                   // the last replay's HTTP status
};

// Rows PurgeBefore deleted (or, for a dry run, would delete).
struct PurgeCounts {
  int64_t events = 0;
  int64_t messages = 0;
  int64_t rejected = 0;
};

class StoreReader {
 public:
  // Reads and changes rows through `database` (not owned).
  explicit StoreReader(Database& database) : db_(database) {}

  // The database's schema version, creating and changing nothing
  // (Database::Ping: 0 when there is no schema yet; SQLite: NotFound when
  // the file does not exist).
  StatusOr<int> Ping() { return db_.Ping(); }

  // The events `filter` selects, in the order they were stored (seq), each
  // handed to `each` as it is read (streamed: see Database::QueryEach). The
  // EventRow is reused from row to row.
  Status ScanEvents(const EventFilter& filter, const std::function<Status(const EventRow&)>& each);

  // Counts of the events `filter` selects, grouped in SQL.
  StatusOr<EventStats> Stats(const EventFilter& filter);

  // The latest received_at of each of `webhooks` (same order) over every
  // stored event, whatever their age: one lookup per webhook, answered from
  // the index on (webhook, received_at). "" for a webhook without any event.
  StatusOr<std::vector<std::string>> LastReceivedAt(const std::vector<std::string>& webhooks);

  // The refused requests `filter` selects, newest first.
  Status ScanRejected(const RejectedFilter& filter,
                      const std::function<Status(const RejectedRow&)>& each);

  // The refused request `seq`; NotFound when there is none.
  StatusOr<RejectedRow> GetRejected(int64_t seq);

  // Records that the refused request `seq` was replayed at `at` (UTC) and
  // answered `http_status`. NotFound when there is no such row.
  Status MarkReplayed(int64_t seq, const std::string& at, int http_status);

  // Retention: deletes the events received, the messages last updated, and
  // the refused requests received before `before` (UTC), in transactions of
  // at most `batch_size` rows each, so that the responders never wait long
  // for a lock. `progress`, when given, is called after each batch with the
  // totals so far. With `dry_run`, counts and deletes nothing. A failure
  // leaves the batches before it deleted; running it again continues.
  // InvalidArgument when `batch_size` is 0.
  StatusOr<PurgeCounts> PurgeBefore(const std::string& before, size_t batch_size, bool dry_run,
                                    const std::function<void(const PurgeCounts&)>& progress);

 private:
  Database& db_;
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_READER_H_
