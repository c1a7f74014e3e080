// The MySQL / MariaDB backend (the MariaDB C connector, libmariadb), for
// hosting that offers only MySQL, and for several responders on one server.
//
// A MysqlStore owns one connection, opened on first use (not by Open) and
// again after it broke (the connector's own auto-reconnect stays off: it
// would silently drop a transaction), so a responder starts while the server
// is down and recovers without a restart when it returns. The schema is
// checked once per connection and created when missing (under GET_LOCK, so
// that responders starting together do not race). Every session runs in
// strict SQL mode with utf8mb4 and a binary collation: text is stored and
// compared byte for byte, ids differing in case are different messages.
// Used by one thread at a time.
//
// Every Commit is one InnoDB transaction, durable when it returns ok (with
// the server's default innodb_flush_log_at_trx_commit=1). A deadlock is
// retried a few times, a connection found broken once more on a fresh
// connection; what still fails returns Unavailable (server down, lock wait
// timeout, disk full, too many connections: retry later), Unprocessable (a
// value too long for its column or not valid UTF-8: retrying will not help)
// or Internal. Values are bound to prepared statements, never put in the SQL
// text. Error messages name the server and database, never the password.
#ifndef DLR_COMMON_STORE_MYSQL_MYSQL_STORE_H_
#define DLR_COMMON_STORE_MYSQL_MYSQL_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/store/database_url.h"
#include "common/store/store.h"

struct st_mysql;
struct st_mysql_stmt;

namespace dlr {

class MysqlStore : public Store {
 public:
  // A store for `url` (scheme mysql), which must name the database. Its only
  // query parameter is `socket` (a unix socket file); a host that is a path
  // is one too. Does not connect. InvalidArgument for a URL without a
  // database name or with another parameter.
  static StatusOr<std::unique_ptr<Store>> Open(DatabaseUrl url, const StoreOptions& options);

  ~MysqlStore() override;  // closes the statements and the connection
  MysqlStore(const MysqlStore&) = delete;
  MysqlStore& operator=(const MysqlStore&) = delete;

  Status EnsureSchema() override;
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override;
  Status RecordRejected(const Rejected& rejected) override;

  // Ping connects without checking the schema (the connection is kept; the
  // next other call checks it). QueryEach fetches unbuffered, row by row; a
  // callback that stops the scan leaves the rest to be read and dropped
  // when the statement closes.
  StatusOr<int> Ping() override;
  StatusOr<SchemaReport> Migrate() override;
  Status QueryEach(const std::string& sql, const std::vector<std::string>& params,
                   const RowCallback& each) override;
  StatusOr<int64_t> Execute(const std::string& sql,
                            const std::vector<std::string>& params) override;
  SqlDialect dialect() const override { return SqlDialect::kMysql; }

 private:
  // One bound value; NULL when `data` is nullptr. `blob` sends bytes that
  // are not text.
  struct Param {
    const char* data = nullptr;
    size_t length = 0;
    bool blob = false;
  };

  MysqlStore(DatabaseUrl url, const StoreOptions& options);

  Status OpenConnection();  // no-op when connected; checks nothing
  Status Connect();         // no-op when ready; checks the schema, prepares the statements
  void Disconnect();
  Status ReadSchemaVersion(long long* version);
  Status ApplyMigration(int version);  // from version - 1 to version
  Status CheckSchema();                // creates or upgrades the schema; sets schema_found_
  // Prepares `sql` and executes it with `params` bound as text; the caller
  // owns *stmt (also when this fails).
  Status PrepareAndRun(const std::string& sql, const std::vector<std::string>& params,
                       st_mysql_stmt** stmt);
  Status Retrying(const std::function<Status()>& attempt);
  Status CommitOnce(const std::vector<const Batch*>& batches, std::vector<BatchResult>* results);
  Status StoreEvent(const Batch& batch, const std::string& received_at, const Dlr& dlr,
                    bool* inserted);
  // A statement without parameters; `value`, when given, receives the first
  // column of the first row.
  Status Exec(const char* sql, std::string* value = nullptr);
  Status ExecInt(const char* sql, long long* value);
  Status Prepare(const char* sql, st_mysql_stmt** stmt);
  // Executes a prepared statement; `affected` receives the rows it changed.
  Status Execute(st_mysql_stmt* stmt, const std::vector<Param>& params, uint64_t* affected);
  // The Status for error `err` with `message`; sets broken_ and retry_ as
  // the failure calls for.
  Status Fail(unsigned int err, const char* message);
  Status FailConnection();
  Status FailStatement(st_mysql_stmt* stmt);
  void RollbackQuietly();
  std::string Where() const;  // "MySQL user@host:port/db", for messages

  const DatabaseUrl url_;
  const StoreOptions options_;
  std::string host_;    // for mysql_real_connect: "" = localhost
  std::string socket_;  // "" = none given
  st_mysql* conn_ = nullptr;
  st_mysql_stmt* insert_event_ = nullptr;
  st_mysql_stmt* insert_message_ = nullptr;
  st_mysql_stmt* update_message_ = nullptr;
  st_mysql_stmt* insert_rejected_ = nullptr;
  bool in_transaction_ = false;
  bool broken_ = false;    // the connection cannot be trusted: reopen before the next use
  bool retry_ = false;     // the last failure is worth another attempt
  bool ready_ = false;     // schema checked and statements prepared on this connection
  int schema_found_ = -1;  // the version the last schema check found
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_MYSQL_MYSQL_STORE_H_
