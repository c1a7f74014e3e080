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
// That handling, and the retries below, are ServerStore's
// (server/server_store.h); this class is the connector and MySQL's SQL. Used
// by one thread at a time.
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
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/store/database_url.h"
#include "common/store/server/server_store.h"
#include "common/store/store.h"

struct st_mysql;
struct st_mysql_stmt;

namespace dlr {

class MysqlStore : public ServerStore {
 public:
  // A store for `url` (scheme mysql), which must name the database. Its only
  // query parameter is `socket` (a unix socket file); a host that is a path
  // is one too. Does not connect. InvalidArgument for a URL without a
  // database name or with another parameter.
  static StatusOr<std::unique_ptr<Store>> Open(DatabaseUrl url, const StoreOptions& options);

  ~MysqlStore() override;  // closes the statements and the connection
  MysqlStore(const MysqlStore&) = delete;
  MysqlStore& operator=(const MysqlStore&) = delete;

  // (EnsureSchema, Commit, RecordRejected, Ping, Migrate: ServerStore's.)

  // QueryEach fetches unbuffered, row by row; a callback that stops the scan
  // leaves the rest to be read and dropped when the statement closes.
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

  MysqlStore(DatabaseUrl url, MysqlParams params, const StoreOptions& options);

  // ServerStore's hooks. The schema lock is GET_LOCK; each migration's
  // statements are written to be run again after an interruption, since
  // MySQL commits every DDL statement on its own.
  Status OpenSession() override;
  void CloseConnection() override;
  // The ssl-* parameters as mysql_options on conn_, before it connects.
  void SetTlsOptions();
  Status RunStatement(const char* sql) override { return Exec(sql); }
  Status ReadSchemaVersion(int* version) override;
  Status LockSchema() override;
  Status ApplyMigration(int version) override;
  // ALTER TABLE `table` ADD COLUMN `column` `type`, unless it has it (a
  // migration interrupted after it, run again).
  Status AddColumnIfMissing(const char* table, const char* column, const char* type);
  Status UnlockSchema(Status migrated, bool keep) override;
  Status PrepareStatements() override;  // the statements of the writes
  Status CommitOnce(const std::vector<const Batch*>& batches,
                    std::vector<BatchResult>* results) override;
  Status InsertRejected(const Rejected& rejected) override;
  std::string Where() const override;  // "MySQL user@host:port/db"

  // Prepares `sql` and executes it with `params` bound as text; the caller
  // owns *stmt (also when this fails).
  Status PrepareAndRun(const std::string& sql, const std::vector<std::string>& params,
                       st_mysql_stmt** stmt);
  Status StoreEvent(const Batch& batch, const std::string& received_at, const Dlr& dlr,
                    bool* inserted);
  // One DLR of a group: its batch's index, the batch, its time as DATETIME.
  struct Item {
    size_t batch;
    const Batch* from;
    const std::string* received_at;
    const Dlr* dlr;
  };
  // Stores `items` (two or more) with one multi-row INSERT of the events and
  // one of the messages, when every event and every message is new (the
  // affected rows say so). Otherwise undoes them and stores each DLR on its
  // own, as StoreEvent does: back to a savepoint taken before them, or, when
  // they are the first writes of the transaction (`first`: no savepoint, one
  // round trip fewer), by rolling it back and starting it again.
  Status StoreItems(const Item* items, size_t n, bool first, std::vector<BatchResult>* results);
  // The prepared multi-row INSERT of `rows` rows of `single`, one per
  // connection and row count (in `cache`).
  Status MultiRow(const std::string& single, size_t rows, std::map<size_t, st_mysql_stmt*>* cache,
                  st_mysql_stmt** stmt);
  // A statement without parameters; `value`, when given, receives the first
  // column of the first row.
  Status Exec(const char* sql, std::string* value = nullptr);
  Status ExecInt(const char* sql, long long* value);
  Status Prepare(const char* sql, st_mysql_stmt** stmt);
  // Executes a prepared statement; `affected` receives the rows it changed.
  Status Execute(st_mysql_stmt* stmt, const std::vector<Param>& params, uint64_t* affected);
  // The Status for error `err` with `message`, through ServerStore::Failure.
  Status Fail(unsigned int err, const char* message);
  Status FailConnection();
  Status FailStatement(st_mysql_stmt* stmt);
  void RollbackQuietly();

  const DatabaseUrl url_;
  const MysqlParams params_;  // socket and TLS, checked by Open
  const StoreOptions options_;
  std::string host_;    // for mysql_real_connect: "" = localhost
  std::string socket_;  // "" = none given
  st_mysql* conn_ = nullptr;
  st_mysql_stmt* insert_event_ = nullptr;
  st_mysql_stmt* insert_message_ = nullptr;
  st_mysql_stmt* update_message_ = nullptr;
  st_mysql_stmt* insert_rejected_ = nullptr;
  std::map<size_t, st_mysql_stmt*> multi_events_, multi_messages_;  // by row count
  bool in_transaction_ = false;
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_MYSQL_MYSQL_STORE_H_
