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
// Backends: SqliteStore (sqlite_store.h, a file path), PostgresStore
// (postgres_store.h, postgresql://) and MysqlStore (mysql_store.h, mysql://),
// with the same tables and the same semantics; OpenStore picks one.
#ifndef DLR_COMMON_STORE_H_
#define DLR_COMMON_STORE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/dlr.h"
#include "common/status.h"

namespace dlr {

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
  std::string raw;  // the body (or, without one, the query string)
};

struct StoreOptions {
  // How long a write waits for a lock held by another connection; for a
  // server backend also the connect timeout.
  int busy_timeout_ms = 5000;
  // The process serves one request and exits (CGI): a new connection per
  // request. The store then skips the housekeeping a long-lived connection
  // amortises (SQLite: the WAL checkpoint at close), doing it only when due.
  bool one_request_per_process = false;
};

// One row of Store::Query: each column as text (a binary column as its
// bytes), NULL as nullopt.
using Row = std::vector<std::optional<std::string>>;

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
};

// The backend the `database` setting names: a SQLite path (the default), or a
// URL whose scheme names another backend (postgresql://, postgres://, mysql://,
// mariadb://; see database_url.h). A server URL without a password takes the
// one in the environment variable DLR_DATABASE_PASSWORD, if set. Does not
// connect yet. InvalidArgument for a malformed URL or a scheme that no backend
// in this build handles; the message never shows the password.
StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& database,
                                           const StoreOptions& options);

}  // namespace dlr

#endif  // DLR_COMMON_STORE_H_
