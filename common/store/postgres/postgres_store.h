// The PostgreSQL backend (libpq), for several responders on several hosts
// writing to one database.
//
// A PostgresStore owns one connection, opened on first use (not by Open) and
// again after it broke, so a responder starts while the server is down and
// recovers without a restart when it returns; the schema is checked once per
// connection (created when missing, under an advisory lock so that responders
// starting together do not race). That handling, and the retries below, are
// ServerStore's (server/server_store.h); this class is libpq and PostgreSQL's
// SQL. Used by one thread at a time.
//
// Every Commit is one transaction (READ COMMITTED; lock_timeout from
// StoreOptions) that is durable when it returns ok. A deadlock or
// serialization failure is retried a few times, a connection found broken
// once more on a fresh connection; what still fails returns Unavailable
// (server down or unreachable, locked, out of disk or connections: retry
// later), Unprocessable (a value too long for its column, or not valid UTF-8:
// retrying will not help) or Internal. Values are sent as parameters, never
// in the SQL text. Error messages name the server and database, never the
// password.
#ifndef DLR_COMMON_STORE_POSTGRES_POSTGRES_STORE_H_
#define DLR_COMMON_STORE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/store/database_url.h"
#include "common/store/server/server_store.h"
#include "common/store/store.h"

struct pg_conn;
struct pg_result;

namespace dlr {

class PostgresStore : public ServerStore {
 public:
  // A store for `url` (scheme postgresql). Its query parameters are libpq
  // connection keywords (sslmode, host=/socket/dir, target_session_attrs,
  // connect_timeout, ...). Does not connect. InvalidArgument for a parameter
  // that libpq does not know, or that must be given otherwise (dbname).
  static StatusOr<std::unique_ptr<Store>> Open(DatabaseUrl url, const StoreOptions& options);

  ~PostgresStore() override;  // closes the connection
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  // (EnsureSchema, Commit, RecordRejected, Ping, Migrate: ServerStore's.)

  // QueryEach reads in single-row mode; a callback that stops the scan
  // cancels the rest of the query.
  Status QueryEach(const std::string& sql, const std::vector<std::string>& params,
                   const RowCallback& each) override;
  StatusOr<int64_t> Execute(const std::string& sql,
                            const std::vector<std::string>& params) override;
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

 private:
  // One bound value: NULL when `data` is nullptr. `binary` sends the bytes
  // as they are (text and bytea); otherwise `data` is NUL-terminated text.
  struct Param {
    const char* data = nullptr;
    int length = 0;
    unsigned int type = 0;  // an Oid; 0 lets the server infer it
    bool binary = false;
  };
  struct ResultDeleter {
    void operator()(pg_result* r) const;
  };
  using Result = std::unique_ptr<pg_result, ResultDeleter>;

  PostgresStore(DatabaseUrl url, const StoreOptions& options);

  // ServerStore's hooks. The schema lock is a transaction holding an
  // advisory lock; the migrations run in it and are committed together.
  Status OpenSession() override;
  void CloseConnection() override;
  Status RunStatement(const char* sql) override { return Exec(sql); }
  Status ReadSchemaVersion(int* version) override;
  Status LockSchema() override;
  Status ApplyMigration(int version) override;
  Status UnlockSchema(Status migrated, bool keep) override;
  Status CommitOnce(const std::vector<const Batch*>& batches,
                    std::vector<BatchResult>* results) override;
  Status InsertRejected(const Rejected& rejected) override;
  std::string Where() const override;  // "PostgreSQL user@host:port/db"

  // Row `r` of `res` into `row` (bytea decoded).
  static Status RowOf(const pg_result* res, int r, Row* row);
  // A simple query (several statements allowed, no parameters).
  Status Exec(const char* sql, Result* out = nullptr);
  Status ExecParams(const char* sql, const std::vector<Param>& params, Result* out);
  // The Status for a failed statement (`res` may be null), through
  // ServerStore::Failure.
  Status Fail(const pg_result* res, const std::string& what);
  void RollbackQuietly();
  // CommitOnce's work: the whole group in one pipeline (BEGIN, the
  // transaction's timeouts, the events' statements, COMMIT, then one sync),
  // read back every kStatementsInFlight statements. One statement stores up
  // to kEventsPerStatement events, sent as arrays, and ends before an id it
  // already holds: a message is written at most once per statement, and a
  // group's events are stored in its order. *stale_statement: the server
  // did not know the prepared statement, or already had one of its name (a
  // pooler in transaction mode hands out server connections per
  // transaction): the commit failed as a whole and may run again unprepared.
  Status CommitPipelined(const std::vector<const Batch*>& batches,
                         std::vector<BatchResult>* results, bool* stale_statement);

  const DatabaseUrl url_;
  const StoreOptions options_;
  std::vector<std::pair<std::string, std::string>> keywords_;  // for PQconnectdbParams
  std::string lock_timeout_, statement_timeout_;               // the same timeouts, for set_config
  // The commit's statements (the transaction's timeouts, the events') are
  // prepared once per connection, unless a server answered as a pooler in
  // transaction mode does (then unnamed, for good).
  bool use_prepared_ = true;
  bool timeouts_prepared_ = false;  // on the current connection
  bool events_prepared_ = false;    // on the current connection
  pg_conn* conn_ = nullptr;
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_POSTGRES_POSTGRES_STORE_H_
