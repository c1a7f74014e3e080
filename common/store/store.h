// The storage interfaces: where accepted DLRs and refused requests go.
//
// StoreWriter is the request path's side: what HandleRequest and the group
// commit (group_commit.h) use, and all they know of storage. Store is what a
// backend implements and OpenStore (factory/open_store.h) returns: the
// writes, and the SQL primitives of a Database (database.h) on which the
// operator's side (StoreReader, reader.h) is built.
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
#ifndef DLR_COMMON_STORE_STORE_H_
#define DLR_COMMON_STORE_STORE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/store/database.h"
#include "common/store/record.h"

namespace dlr {

// The schema version this program creates and upgrades to (every backend).
// Version 1: the three tables. Version 2: dlr_rejected.method, .query,
// .replayed_at, .replay_status; an index on dlr_messages.updated_at.
// Version 3: an index on dlr_events (webhook, received_at). Version 4:
// dlr_events.error_code and .dlr_class (the rows before classed by their
// status text, StatusTextClass).
inline constexpr int kSchemaVersion = 4;

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
  // SQLite: a commit outside the group commit's turn that finds another
  // process writing hands its batches to that process's next transaction
  // (sqlite/commit_queue.h). Off only in tests of the writers' lock alone.
  bool shared_commit = true;
};

// The request path's side of a store: the writes HandleRequest and the
// group commit make. Each is one transaction, durable when it returns ok
// (see above for the Status of a failure).
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;

  // Creates the schema when it is missing; idempotent.
  virtual Status EnsureSchema() = 0;

  // Stores every batch in ONE transaction: all of them or none. results[i]
  // belongs to batches[i]. Duplicates (also within the call) are counted and
  // not stored. dlr_messages is updated per event: a pending status never
  // replaces a final one; among final ones the latest deliv_time wins.
  virtual Status Commit(const std::vector<const Batch*>& batches,
                        std::vector<BatchResult>* results) = 0;

  virtual Status RecordRejected(const Rejected& rejected) = 0;

  // The turn among the processes that write one database (SQLite's
  // WriterLock). The group commit's writer takes its turn before it collects
  // a group, so that whatever queued while another process was writing joins
  // this group, then ends it once the group is committed. (A writer handed
  // one caller at a time takes none: nothing would join its group.) Between the two,
  // EnsureSchema, Commit and RecordRejected do not wait again. A failed
  // BeginTurn (Unavailable: another process kept writing past the timeout)
  // holds nothing, and the group fails with its status. By default there is
  // no turn to take: Ok at once.
  virtual Status BeginTurn() { return Status::Ok(); }
  virtual void EndTurn() {}

  // One batch: Commit of a single element.
  StatusOr<BatchResult> StoreBatch(const Batch& batch);
};

// What a backend implements: the writes and the SQL primitives, over one
// connection of its own. Migrate is EnsureSchema with its report.
class Store : public StoreWriter, public Database {};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_STORE_H_
