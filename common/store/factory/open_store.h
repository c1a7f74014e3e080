// The one place that picks a storage backend from the `database` setting.
// The request path and the operator's tools receive the Store it returns and
// never name a backend themselves.
#ifndef DLR_COMMON_STORE_FACTORY_OPEN_STORE_H_
#define DLR_COMMON_STORE_FACTORY_OPEN_STORE_H_

#include <memory>
#include <string>

#include "common/base/status.h"
#include "common/store/store.h"

namespace dlr {

// The backend the `database` setting names: a SQLite path (the default), or a
// URL whose scheme names another backend (postgresql://, postgres://, mysql://,
// mariadb://; see database_url.h). A server URL without a password takes the
// one in the environment variable DLR_DATABASE_PASSWORD, if set. Does not
// connect yet. InvalidArgument for a malformed URL or a scheme that no backend
// in this build handles; the message never shows the password.
StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& database,
                                           const StoreOptions& options);

}  // namespace dlr

#endif  // DLR_COMMON_STORE_FACTORY_OPEN_STORE_H_
