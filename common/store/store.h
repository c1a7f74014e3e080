// The storage interface: where accepted DLRs and refused requests go.
//
// A Store owns its database connection. It connects on first use and again
// after a failure, so a responder starts even when its database does not
// answer, and recovers without a restart; the schema is checked once per
// connection, never per request. A Store is used by one thread at a time.
//
// Every write is one transaction that is durable when the call returns ok:
// the caller acknowledges only then. On any failure nothing of the call is
// stored, and the Status says what the caller should do: Unavailable (locked
// past the busy timeout, disk full, server down: retry later), Unprocessable
// (a server backend cannot hold a value of the call: too long for its column,
// or not valid UTF-8 text; nothing was stored and retrying will not help), or
// Internal.
//
// Backends: SqliteStore (sqlite/, a file path), PostgresStore (postgres/,
// postgresql://) and MysqlStore (mysql/, mysql://), with the same tables and
// the same semantics; OpenStore (factory/open_store.h) picks one.
//
// The operator's side (dlrctl, and the status page) reads through the
// same object: each backend provides a few primitives (Ping, Migrate,
// QueryEach that streams rows, Execute, its SQL dialect) and the operations
// built on them (ScanEvents, Stats, ScanRejected, GetRejected, MarkReplayed,
// Purge: store_read.cc, with the SQL of each dialect in event_sql.h) are the
// same for every backend.
#ifndef DLR_COMMON_STORE_STORE_H_
#define DLR_COMMON_STORE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/store/record.h"

namespace dlr {

// The schema version this program creates and upgrades to (every backend).
// Version 1: the three tables. Version 2: dlr_rejected.method, .query,
// .replayed_at, .replay_status; an index on dlr_messages.updated_at.
// Version 3: an index on dlr_events (webhook, received_at).
inline constexpr int kSchemaVersion = 3;

// The DLRs of one request.
struct Batch {
  std::string webhook;      // the webhook's name
  std::string received_at;  // UTC, "YYYY-MM-DDTHH:MM:SS.mmmZ"
  // The request's query string (without `token`) when the DLRs came from its
  // body, so that values a Compose Webhook URL carries are never lost; "" when
  // there was none (stored as NULL) or the DLR came from the query itself.
  std::string query;
  std::vector<Dlr> dlrs;
};

struct BatchResult {
  size_t stored = 0;      // new events written
  size_t duplicates = 0;  // events equal in id, status and deliv_time to a stored one
};

// A request refused as 400 or 422, kept so an operator can recover it.
struct Rejected {
  std::string received_at;
  std::string webhook;
  std::string remote_addr;
  int http_status = 0;
  std::string error;   // "bad_request" or "invalid_dlr"
  std::string reason;  // the human sentence answered
  std::string content_type;
  std::string raw;     // the body (or, without one, the query string)
  std::string method;  // the request's method ("" in rows older than schema 2)
  // The query string without `token` when the body was not empty (raw is
  // then the body; "" when there was no query string); nullopt when the body
  // was empty (raw is then the query string), or in rows older than schema 2.
  std::optional<std::string> query;
};

struct StoreOptions {
  // How long a write waits for a lock held by another connection; for a
  // server backend also the connect timeout.
  int busy_timeout_ms = 5000;
  // The process serves one request and exits (CGI): a new connection per
  // request. The store then skips the housekeeping a long-lived connection
  // amortises (SQLite: the WAL checkpoint at close), doing it only when due.
  bool one_request_per_process = false;
  // The operator's tool: queries may take minutes and their reader may pause
  // (MySQL: no 20-second read timeout, a patient server).
  bool long_reads = false;
};

// One row of Store::Query: each column as text (a binary column as its
// bytes), NULL as nullopt.
using Row = std::vector<std::optional<std::string>>;

// Called for each row of a scan, in order. A non-ok Status stops the scan,
// which then returns that Status.
using RowCallback = std::function<Status(const Row&)>;

// The SQL a backend speaks, for the queries of event_sql.h.
enum class SqlDialect { kSqlite, kPostgres, kMysql };

// What Store::Migrate found and left: schema versions (0: no schema yet).
struct SchemaReport {
  int before = 0;
  int after = 0;
};

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
  Dlr dlr;  // the 21 fields (nullopt: NULL) and raw
  std::string webhook;
  std::string received_at;  // "YYYY-MM-DDTHH:MM:SS.mmmZ" on every backend
  std::optional<std::string> query;
};

// Event counts, by how the responder classifies each status: delivered
// (DELIVRD), pending (AWAITING-DLR), failed (any other status).
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

// The figures of Store::Stats over the events a filter selects. Groups are
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

class Store {
 public:
  virtual ~Store() = default;

  // Creates the schema when it is missing; idempotent.
  virtual Status EnsureSchema() = 0;

  // Stores every batch in ONE transaction: all of them or none. results[i]
  // belongs to batches[i]. Duplicates (also within the call) are counted and
  // not stored. dlr_messages is updated per event: a pending status never
  // replaces a final one; among final ones the latest deliv_time wins.
  virtual Status Commit(const std::vector<const Batch*>& batches,
                        std::vector<BatchResult>* results) = 0;

  virtual Status RecordRejected(const Rejected& rejected) = 0;

  // Runs one SQL statement whose `?` placeholders take `params` (as text) in
  // order, and returns its rows. For operators' tools and tests: the SQL must
  // suit the backend (plain SELECTs over the contract's columns suit all).
  // Outside any Commit; Unavailable when the database cannot be reached.
  // The default: Internal (not supported).
  virtual StatusOr<std::vector<Row>> Query(const std::string& sql,
                                           const std::vector<std::string>& params);

  // One batch: Commit of a single element.
  StatusOr<BatchResult> StoreBatch(const Batch& batch);

  // ---- The operator's side. Each returns Unavailable when the database
  // cannot be reached, and Internal when this store has no such side (the
  // defaults) or a statement fails.

  // Connects and reads the schema version, creating and changing nothing:
  // 0 when there is no schema yet. SQLite: NotFound when the file does not
  // exist. Unavailable when the database cannot be reached.
  virtual StatusOr<int> Ping();

  // EnsureSchema, reporting the version found before and the one left.
  // Migrations run in order, each recorded in the database, one process at
  // a time; running them again changes nothing. Internal (nothing changed)
  // when the schema is newer than kSchemaVersion.
  virtual StatusOr<SchemaReport> Migrate();

  // Runs one statement (`?` placeholders taking `params` as text, in order)
  // and hands each row to `each` as it arrives from the database, never
  // holding more than one row: SQLite steps the statement, PostgreSQL uses
  // single-row mode, MySQL an unbuffered fetch. Outside any transaction.
  // `each` must not use this store.
  virtual Status QueryEach(const std::string& sql, const std::vector<std::string>& params,
                           const RowCallback& each);

  // Runs one statement that changes rows, as a transaction of its own, and
  // returns how many rows it changed.
  virtual StatusOr<int64_t> Execute(const std::string& sql, const std::vector<std::string>& params);

  // The backend's SQL, or nullopt when it has no operator's side.
  virtual std::optional<SqlDialect> dialect() const { return std::nullopt; }

  // The events `filter` selects, in the order they were stored (seq), each
  // handed to `each` as it is read (streamed: see QueryEach). The EventRow
  // is reused from row to row.
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
  StatusOr<PurgeCounts> PurgeBefore(const std::string& before, size_t batch_size, bool dry_run,
                                    const std::function<void(const PurgeCounts&)>& progress);
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_STORE_H_
