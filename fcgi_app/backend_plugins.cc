// OpenServerStore for the responder: the PostgreSQL and MySQL/MariaDB backends
// are shared objects loaded on first use (see common/store/factory/server_backends.h), from
// one directory fixed at build time: DLR_PLUGIN_DIR (the Makefile's PLUGIN_DIR, where make
// install puts them), or DLR_BUILD_DIR when the program runs from the build directory (the
// tests). A plugin file writable by group or others, or owned by neither root nor the
// process's user, is refused. A plugin is loaded once and never unloaded.
#include <dlfcn.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/store/factory/server_backends.h"
#include "fcgi_app/backend_plugin.h"

#ifndef DLR_PLUGIN_DIR
#define DLR_PLUGIN_DIR "/usr/local/lib/dlr-webhook"
#endif
#ifndef DLR_BUILD_DIR
#define DLR_BUILD_DIR ""
#endif

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
  // The program in its build directory takes the plugins built beside it;
  // anywhere else, those of PLUGIN_DIR, never a directory it is copied to.
  const std::string build_dir = DLR_BUILD_DIR;
  const std::string dir =
      !build_dir.empty() && ProgramDir() == build_dir ? build_dir : std::string(DLR_PLUGIN_DIR);
  std::vector<std::string> candidates = {dir + "/" + file};
  std::string tried;
  for (const std::string& path : candidates) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    if ((st.st_mode & 022) != 0 || (st.st_uid != 0 && st.st_uid != geteuid())) {
      out.error = std::string("database: refusing to load the ") + backend + " backend " + path +
                  ": it is writable by group or others, or owned by neither root nor this "
                  "process's user (chmod 644, chown root)";
      return out;
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
