#include "common/store.h"

#include <cstdlib>

#include "common/database_url.h"
#include "common/server_backends.h"
#include "common/sqlite_store.h"

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
  return OpenServerStore(std::move(u), options);
}

}  // namespace dlr
