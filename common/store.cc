#include "common/store.h"

#include "common/sqlite_store.h"

namespace dlr {

StatusOr<BatchResult> Store::StoreBatch(const Batch& batch) {
  std::vector<BatchResult> results;
  Status s = Commit({&batch}, &results);
  if (!s.ok()) return s;
  if (results.size() != 1) return Status::Internal("the store returned no result");
  return results[0];
}

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& database,
                                           const StoreOptions& options) {
  size_t scheme_end = database.find("://");
  if (scheme_end == std::string::npos) {
    return std::unique_ptr<Store>(new SqliteStore(database, options));
  }
  std::string scheme = database.substr(0, scheme_end);
  if (scheme == "sqlite") {
    return std::unique_ptr<Store>(new SqliteStore(database.substr(scheme_end + 3), options));
  }
  if (scheme == "postgresql" || scheme == "postgres" || scheme == "mysql" || scheme == "mariadb") {
    return Status::InvalidArgument("database: the " + scheme +
                                   " backend is not part of this build");
  }
  return Status::InvalidArgument("database: unknown scheme \"" + scheme +
                                 "\" (a SQLite file path, postgresql:// or mysql://)");
}

}  // namespace dlr
