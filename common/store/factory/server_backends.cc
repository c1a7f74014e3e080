#include "common/store/factory/server_backends.h"

#include <utility>

#if DLR_WITH_POSTGRES
#include "common/store/postgres/postgres_store.h"
#endif
#if DLR_WITH_MYSQL
#include "common/store/mysql/mysql_store.h"
#endif

namespace dlr {
StatusOr<std::unique_ptr<Store>> OpenServerStore(DatabaseUrl url, const StoreOptions& options) {
  if (url.scheme == "postgresql") {
#if DLR_WITH_POSTGRES
    return PostgresStore::Open(std::move(url), options);
#else
    (void)options;
    return BackendNotBuilt("PostgreSQL", "WITH_POSTGRES");
#endif
  }
#if DLR_WITH_MYSQL
  return MysqlStore::Open(std::move(url), options);
#else
  (void)options;
  return BackendNotBuilt("MySQL/MariaDB", "WITH_MYSQL");
#endif
}

}  // namespace dlr
