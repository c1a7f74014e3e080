// Database: the SQL primitives a backend provides, on which the operator's
// side (StoreReader, reader.h) is built the same for every backend.
//
// A Database owns its connection (the backend's: see store.h) and is used by
// one thread at a time. Each call returns Unavailable when the database
// cannot be reached (a server backend connects again on the next call), and
// Internal when a statement fails.
#ifndef DLR_COMMON_STORE_DATABASE_H_
#define DLR_COMMON_STORE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/base/status.h"

namespace dlr {

// One row of Database::QueryEach: each column as text (a binary column as
// its bytes), NULL as nullopt.
using Row = std::vector<std::optional<std::string>>;

// Called for each row of a scan, in order. A non-ok Status stops the scan,
// which then returns that Status.
using RowCallback = std::function<Status(const Row&)>;

// The SQL a backend speaks, for the queries of event_sql.h.
enum class SqlDialect { kSqlite, kPostgres, kMysql };

// What Database::Migrate found and left: schema versions (0: no schema yet).
struct SchemaReport {
  int before = 0;
  int after = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  // Connects and reads the schema version, creating and changing nothing:
  // 0 when there is no schema yet. SQLite: NotFound when the file does not
  // exist. Unavailable when the database cannot be reached.
  virtual StatusOr<int> Ping() = 0;

  // Creates the schema when it is missing, reporting the version found
  // before and the one left. Migrations run in order, each recorded in the
  // database, one process at a time; running them again changes nothing.
  // Internal (nothing changed) when the schema is newer than kSchemaVersion
  // (store.h).
  virtual StatusOr<SchemaReport> Migrate() = 0;

  // Runs one statement (`?` placeholders taking `params` as text, in order)
  // and hands each row to `each` as it arrives from the database, never
  // holding more than one row: SQLite steps the statement, PostgreSQL uses
  // single-row mode, MySQL an unbuffered fetch. Outside any transaction.
  // `each` must not use this database. The Row is reused from row to row.
  virtual Status QueryEach(const std::string& sql, const std::vector<std::string>& params,
                           const RowCallback& each) = 0;

  // Runs one statement that changes rows, as a transaction of its own, and
  // returns how many rows it changed.
  virtual StatusOr<int64_t> Execute(const std::string& sql,
                                    const std::vector<std::string>& params) = 0;

  // The backend's SQL.
  virtual SqlDialect dialect() const = 0;

  // QueryEach, every row collected: for tests and small answers. The SQL
  // must suit the backend (plain SELECTs over the contract's columns suit
  // all). The failure is QueryEach's, and then no row comes back.
  StatusOr<std::vector<Row>> Query(const std::string& sql, const std::vector<std::string>& params);
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_DATABASE_H_
