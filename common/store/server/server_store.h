// ServerStore: what the two server backends (PostgresStore, MysqlStore)
// share, written once: a Store over one connection to a database server.
//
// The connection is opened on first use (not when the store is made) and
// again after a failure left it untrustworthy, so a responder starts while
// its server is down and recovers without a restart. On each new connection
// the schema is checked once (created or upgraded when older: the migrations
// run in order, under the backend's lock, one process at a time) and the
// backend prepares what it keeps per connection; never per request. A write
// that fails in a way worth another attempt (a deadlock, a connection found
// broken) is run again a few times, on a fresh connection when the old one
// broke.
//
// A backend derives from it and supplies only what is its own: its client
// library's calls (open and close a connection, run a statement, read and
// record the schema version, the schema lock), its SQL, and how its error
// codes map to a FailureKind. Used by one thread at a time, like every Store.
#ifndef DLR_COMMON_STORE_SERVER_SERVER_STORE_H_
#define DLR_COMMON_STORE_SERVER_SERVER_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/store/store.h"

namespace dlr {

// What a failed call calls for, as a backend reads its client library's
// error: ServerStore::Failure turns it into the Status and remembers whether
// to retry and whether to reopen the connection.
enum class FailureKind {
  // The connection is gone or cannot be trusted (the server is down or
  // shutting down, a failover made it read-only): Unavailable; reopened, and
  // the write tried once more right away.
  kConnectionLost,
  // A deadlock or serialization failure (the transaction was rolled back):
  // Unavailable; tried again after a short pause.
  kConflict,
  // Locked past the timeout, out of disk, memory or connections:
  // Unavailable, not retried here (the caller retries later).
  kBusy,
  // A value too long for its column, or not valid UTF-8: Unprocessable
  // (retrying will not help).
  kUnfitValue,
  // Internal, and the connection is reopened (and the schema checked again)
  // before the next use: a table or column went missing under us, or the
  // client library failed on its side.
  kReconnect,
  // Internal.
  kOther,
};

class ServerStore : public Store {
 public:
  ~ServerStore() override = default;
  ServerStore(const ServerStore&) = delete;
  ServerStore& operator=(const ServerStore&) = delete;

  // Checks the schema again on a ready connection; otherwise connects (which
  // checks it).
  Status EnsureSchema() override;
  // CommitOnce until it succeeds or fails for good; on failure `results`
  // holds zeros. A retry after a connection lost during COMMIT may find the
  // events of the lost attempt committed: they are then counted as
  // duplicates, never stored twice.
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override;
  // InsertRejected, retried as Commit is.
  Status RecordRejected(const Rejected& rejected) override;
  // Connects without checking the schema (the connection is kept; the next
  // other call checks it) and reads its version.
  StatusOr<int> Ping() override;
  StatusOr<SchemaReport> Migrate() override;

 protected:
  ServerStore() = default;

  // Opens a connection unless one is open (a broken one is closed first);
  // checks nothing. On failure no connection is left open.
  Status OpenConnection();
  // OpenConnection, then on a new connection CheckSchema and
  // PrepareStatements; a no-op when the connection is ready. On failure no
  // connection is left open.
  Status Connect();
  // Closes the connection (CloseConnection) and forgets what was checked on
  // it. A backend's destructor calls it.
  void Disconnect();
  // Connects and runs `attempt` until it succeeds, fails for good, or has
  // failed kMaxAttempts times in a way worth another attempt (see
  // FailureKind); returns its last Status.
  Status Retrying(const std::function<Status()>& attempt);
  // The Status for a failure of `kind`: `message` (naming the server, never
  // the password) for Unavailable and Internal; Unprocessable says that the
  // database cannot hold a value, with `detail`. Records whether Retrying
  // should try again and whether the connection must be reopened.
  Status Failure(FailureKind kind, std::string message, const std::string& detail);
  // The connection cannot be trusted: it is reopened before its next use.
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }

  // ---- The backend's part.

  // Opens a new connection (none is open). On failure, whatever it left is
  // closed by CloseConnection; Unavailable when the server cannot be reached.
  virtual Status OpenSession() = 0;
  // Closes the connection and what belongs to it (prepared statements);
  // nothing when none is open.
  virtual void CloseConnection() = 0;
  // Runs one statement that takes no parameters and returns no rows.
  virtual Status RunStatement(const char* sql) = 0;
  // The version recorded in dlr_schema; 0 when there is no schema yet.
  virtual Status ReadSchemaVersion(int* version) = 0;
  // Takes the lock under which one process at a time migrates; on failure
  // nothing is held.
  virtual Status LockSchema() = 0;
  // Takes the schema from `version` - 1 to `version` (under the lock).
  virtual Status ApplyMigration(int version) = 0;
  // Releases the lock after the migrations, whose outcome is `migrated`;
  // `keep` is false when they are to be undone (the schema turned out
  // newer). Returns `migrated` when it failed, otherwise the release's.
  virtual Status UnlockSchema(Status migrated, bool keep) = 0;
  // After the schema check on a new connection: what the backend prepares
  // once per connection. Nothing by default.
  virtual Status PrepareStatements();
  // One attempt at Commit, as one transaction: rolled back on failure.
  virtual Status CommitOnce(const std::vector<const Batch*>& batches,
                            std::vector<BatchResult>* results) = 0;
  // One attempt at RecordRejected.
  virtual Status InsertRejected(const Rejected& rejected) = 0;
  // "PostgreSQL user@host:port/db": the server, for messages (no password).
  virtual std::string Where() const = 0;

 private:
  // Reads the schema version, and creates or upgrades the schema when it is
  // older than kSchemaVersion; Internal when it is newer. Sets schema_found_.
  Status CheckSchema();

  bool open_ = false;      // OpenSession succeeded and the connection is not closed yet
  bool ready_ = false;     // the schema is checked and the statements prepared on it
  bool broken_ = false;    // the connection cannot be trusted: reopen before the next use
  bool retry_ = false;     // the last failure is worth another attempt
  int schema_found_ = -1;  // the version the last schema check found
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_SERVER_SERVER_STORE_H_
