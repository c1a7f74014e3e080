#include "common/store.h"

#include <cstdlib>

#include "common/database_url.h"
#include "common/sqlite_store.h"

// The server backends are built when their client library is (see the
// Makefile: WITH_POSTGRES, WITH_MYSQL).
#ifndef DLR_WITH_POSTGRES
#define DLR_WITH_POSTGRES 0
#endif
#ifndef DLR_WITH_MYSQL
#define DLR_WITH_MYSQL 0
#endif

#if DLR_WITH_POSTGRES
#include "common/postgres_store.h"
#endif
#if DLR_WITH_MYSQL
#include "common/mysql_store.h"
#endif

namespace dlr {

StatusOr<BatchResult> Store::StoreBatch(const Batch& batch) {
  std::vector<BatchResult> results;
  Status s = Commit({&batch}, &results);
  if (!s.ok()) return s;
  if (results.size() != 1) return Status::Internal("the store returned no result");
  return results[0];
}

StatusOr<std::vector<Row>> Store::Query(const std::string&, const std::vector<std::string>&) {
  return Status::Internal("this store does not run queries");
}

namespace {

[[maybe_unused]] Status NotBuilt(const char* backend, const char* flag) {
  return Status::InvalidArgument(std::string("database: the ") + backend +
                                 " backend is not part of this build (it was built with " + flag +
                                 "=0); use a build with it, or a SQLite file path");
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& database,
                                           const StoreOptions& options) {
  size_t scheme_end = database.find("://");
  if (scheme_end == std::string::npos) {
    return std::unique_ptr<Store>(new SqliteStore(database, options));
  }
  if (database.compare(0, scheme_end, "sqlite") == 0) {
    return std::unique_ptr<Store>(new SqliteStore(database.substr(scheme_end + 3), options));
  }
  StatusOr<DatabaseUrl> url = ParseDatabaseUrl(database);
  if (!url.ok()) return url.status();
  DatabaseUrl u = std::move(url).value();
  if (!u.password) {
    const char* env = std::getenv(kDatabasePasswordEnv);
    if (env && *env) u.password = env;
  }
  if (u.scheme == "postgresql") {
#if DLR_WITH_POSTGRES
    return PostgresStore::Open(std::move(u), options);
#else
    return NotBuilt("PostgreSQL", "WITH_POSTGRES");
#endif
  }
#if DLR_WITH_MYSQL
  return MysqlStore::Open(std::move(u), options);
#else
  return NotBuilt("MySQL/MariaDB", "WITH_MYSQL");
#endif
}

}  // namespace dlr
