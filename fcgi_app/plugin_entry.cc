// The entry points of a server backend plugin: built twice, with
// DLR_PLUGIN_POSTGRES=1 into dlr-webhook-postgres.so and with DLR_PLUGIN_MYSQL=1
// into dlr-webhook-mysql.so. The backend's code comes with it; everything else
// (Status, the SQL of store_read.cc, logging) is the responder's own, resolved
// when the plugin is loaded.
#include <memory>
#include <utility>

#include "common/store/factory/server_backends.h"
#include "fcgi_app/backend_plugin.h"

#if DLR_PLUGIN_POSTGRES
#include "common/store/postgres/postgres_store.h"
#elif DLR_PLUGIN_MYSQL
#include "common/store/mysql/mysql_store.h"
#else
#error "build with DLR_PLUGIN_POSTGRES=1 or DLR_PLUGIN_MYSQL=1"
#endif

namespace {

dlr::StatusOr<std::unique_ptr<dlr::Store>> Open(dlr::DatabaseUrl url,
                                                const dlr::StoreOptions& options) {
#if DLR_PLUGIN_POSTGRES
  return dlr::PostgresStore::Open(std::move(url), options);
#else
  return dlr::MysqlStore::Open(std::move(url), options);
#endif
}

}  // namespace

extern "C" {
__attribute__((visibility("default"))) extern const char dlr_plugin_build[];
__attribute__((visibility("default"))) extern const dlr::OpenServerStoreFn dlr_open_server_store;
const char dlr_plugin_build[] = DLR_PLUGIN_BUILD;
const dlr::OpenServerStoreFn dlr_open_server_store = &Open;
}
