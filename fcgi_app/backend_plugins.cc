// OpenServerStore for the responder: the PostgreSQL and MySQL/MariaDB backends
// are shared objects loaded on first use (see common/store/factory/server_backends.h), found
// beside the program (the build tree) or in ../lib/dlr-webhook/ from it (make
// install). A plugin is loaded once and never unloaded.
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/store/factory/server_backends.h"
#include "fcgi_app/backend_plugin.h"

namespace dlr {
namespace {

// The directory of the running program, "" when it cannot be told.
std::string ProgramDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

struct Loaded {
  OpenServerStoreFn open = nullptr;
  std::string error;  // why `open` is null
};

// Loads `file` (once; later calls return the first outcome).
const Loaded& LoadPlugin(const std::string& file, const char* backend) {
  static std::mutex mu;
  static std::map<std::string, Loaded> loaded;
  std::lock_guard<std::mutex> lock(mu);
  auto it = loaded.find(file);
  if (it != loaded.end()) return it->second;
  Loaded& out = loaded[file];
  std::string dir = ProgramDir();
  std::vector<std::string> candidates = {dir + "/" + file, dir + "/../lib/dlr-webhook/" + file};
  std::string tried;
  for (const std::string& path : candidates) {
    if (access(path.c_str(), F_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* e = dlerror();
      out.error = std::string("database: cannot load the ") + backend + " backend " + path + ": " +
                  (e ? e : "dlopen failed");
      return out;
    }
    const char* build = static_cast<const char*>(dlsym(handle, "dlr_plugin_build"));
    const auto* open =
        static_cast<const OpenServerStoreFn*>(dlsym(handle, "dlr_open_server_store"));
    if (!build || !open || std::string(build) != DLR_PLUGIN_BUILD) {
      out.error = std::string("database: ") + path + " is not the " + backend +
                  " backend of this build (" + DLR_PLUGIN_BUILD +
                  "); install the dlr-webhook and " + file + " of one build together";
      return out;
    }
    out.open = *open;
    return out;
  }
  out.error = std::string("database: the ") + backend + " backend (" + file +
              ") is not installed: looked for " + tried +
              "; install it with the program (make install), or use a SQLite file path";
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenServerStore(DatabaseUrl url, const StoreOptions& options) {
  bool postgres = url.scheme == "postgresql";
  if (postgres && !DLR_WITH_POSTGRES) return BackendNotBuilt("PostgreSQL", "WITH_POSTGRES");
  if (!postgres && !DLR_WITH_MYSQL) return BackendNotBuilt("MySQL/MariaDB", "WITH_MYSQL");
  const Loaded& plugin = postgres ? LoadPlugin("dlr-webhook-postgres.so", "PostgreSQL")
                                  : LoadPlugin("dlr-webhook-mysql.so", "MySQL/MariaDB");
  if (!plugin.open) return Status::InvalidArgument(plugin.error);
  return plugin.open(std::move(url), options);
}

}  // namespace dlr
