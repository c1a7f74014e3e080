// OpenServerStore: the PostgreSQL or MySQL/MariaDB Store a parsed database
// URL names, for OpenStore (open_store.cc).
//
// Two definitions, one per program:
// - server_backends.cc (in libdlrcommon.a: dlrctl, the tests) calls the
//   backends linked into the program, or refuses a backend the build left out
//   (WITH_POSTGRES=0, WITH_MYSQL=0).
// - fcgi_app/backend_plugins.cc (the responder) loads the backend from a
//   shared object beside the program, on first use: a responder on SQLite
//   never maps libpq, libmariadb and their TLS and Kerberos libraries (about
//   5 MiB of resident memory per process).
// Either returns InvalidArgument when the backend is not available (the
// message says why and never shows the password); see OpenStore.
#ifndef DLR_COMMON_STORE_FACTORY_SERVER_BACKENDS_H_
#define DLR_COMMON_STORE_FACTORY_SERVER_BACKENDS_H_

#include <memory>
#include <string>

#include "common/base/status.h"
#include "common/store/database_url.h"
#include "common/store/store.h"

// The server backends are built when their client library is (see the
// Makefile: WITH_POSTGRES, WITH_MYSQL).
#ifndef DLR_WITH_POSTGRES
#define DLR_WITH_POSTGRES 0
#endif
#ifndef DLR_WITH_MYSQL
#define DLR_WITH_MYSQL 0
#endif

namespace dlr {

StatusOr<std::unique_ptr<Store>> OpenServerStore(DatabaseUrl url, const StoreOptions& options);

// The answer for a backend this build left out: `backend` "PostgreSQL",
// `flag` "WITH_POSTGRES".
inline Status BackendNotBuilt(const char* backend, const char* flag) {
  return Status::InvalidArgument(std::string("database: the ") + backend +
                                 " backend is not part of this build (it was built with " + flag +
                                 "=0); use a build with it, or a SQLite file path");
}

// The signature of the entry point a backend plugin exports as
// "dlr_open_server_store", and the build identity it exports as
// "dlr_plugin_build" (it must equal kPluginBuild of the program loading it:
// the two share C++ types, so they must come from one build).
using OpenServerStoreFn = StatusOr<std::unique_ptr<Store>> (*)(DatabaseUrl url,
                                                               const StoreOptions& options);

}  // namespace dlr

#endif  // DLR_COMMON_STORE_FACTORY_SERVER_BACKENDS_H_
