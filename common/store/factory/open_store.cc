#include "common/store/factory/open_store.h"

#include <cstdlib>

#include "common/store/database_url.h"
#include "common/store/factory/server_backends.h"
#include "common/store/sqlite/sqlite_store.h"

namespace dlr {

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
