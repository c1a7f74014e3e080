// dlrctl: the operator's tool. Commands take their options after the command
// name. Exit codes: 0 ok, 1 failure (reason on stderr), 2 usage error.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/store.h"
#include "common/version.h"

namespace dlr {
namespace {

const char kUsage[] =
    "usage: dlrctl COMMAND [--config PATH]\n"
    "\n"
    "commands:\n"
    "  init           create the database schema (idempotent)\n"
    "  check-config   validate the config, list its webhooks, print warnings\n"
    "\n"
    "The config is --config PATH, else $DLR_WEBHOOK_CONFIG, else "
    "/etc/dlr-webhook/config.json.\n"
    "Options: --help, --version\n";

int Usage(const std::string& why) {
  std::fprintf(stderr, "dlrctl: %s\n%s", why.c_str(), kUsage);
  return 2;
}

// Parses "--config PATH" (the only option the commands take so far).
bool ParseOptions(int argc, char** argv, int first, std::string* config, bool* help,
                  std::string* error) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      *help = true;
    } else if (a == "--config" && i + 1 < argc) {
      *config = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      *config = a.substr(9);
    } else {
      *error = "unknown argument '" + a + "'";
      return false;
    }
  }
  return true;
}

StatusOr<Config> Load(const std::string& flag) {
  std::string path = ResolveConfigPath(flag);
  StatusOr<Config> c = LoadConfig(path);
  if (!c.ok()) std::fprintf(stderr, "dlrctl: %s\n", c.status().message().c_str());
  return c;
}

int Init(const std::string& flag) {
  StatusOr<Config> c = Load(flag);
  if (!c.ok()) return 1;
  StoreOptions so;
  so.busy_timeout_ms = c.value().busy_timeout_ms;
  StatusOr<std::unique_ptr<Store>> store = OpenStore(c.value().database, so);
  if (!store.ok()) {
    std::fprintf(stderr, "dlrctl: %s\n", store.status().message().c_str());
    return 1;
  }
  Status s = store.value()->EnsureSchema();
  if (!s.ok()) {
    std::fprintf(stderr, "dlrctl: cannot create the schema: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("schema ready: %s\n", RedactDatabase(c.value().database).c_str());
  return 0;
}

int CheckConfig(const std::string& flag) {
  StatusOr<Config> loaded = Load(flag);
  if (!loaded.ok()) return 1;
  const Config& c = loaded.value();
  // The database setting is checked as the responder would at startup
  // (URL form, backends of this build); nothing is connected.
  StatusOr<std::unique_ptr<Store>> store = OpenStore(c.database, StoreOptions());
  if (!store.ok()) {
    std::fprintf(stderr, "dlrctl: invalid config %s: %s\n", c.source.c_str(),
                 store.status().message().c_str());
    return 1;
  }
  std::printf("config: %s\n", c.source.c_str());
  std::printf("database: %s\n", RedactDatabase(c.database).c_str());
  std::printf("max_body_bytes: %zu\n", c.max_body_bytes);
  std::printf("busy_timeout_ms: %d\n", c.busy_timeout_ms);
  for (const Webhook& w : c.webhooks) {
    std::printf("webhook %s: path %s, %zu secret%s, validation key %s", w.name.c_str(),
                w.path ? w.path->c_str() : "(every path)", w.secrets.size(),
                w.secrets.size() == 1 ? "" : "s", w.validation_key ? "set" : "not set");
    if (!w.fields.empty()) {
      std::printf(", fields");
      for (const auto& f : w.fields) std::printf(" %s=%s", f.first.c_str(), f.second.c_str());
    }
    std::printf("\n");
  }
  for (const std::string& warning : ConfigWarnings(c)) {
    std::printf("warning: %s\n", warning.c_str());
  }
  return 0;
}

int Main(int argc, char** argv) {
  umask(027);  // the database and its WAL files: owner and group only
  if (argc < 2) return Usage("a command is required");
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "--version") {
    std::puts("dlrctl " DLR_WEBHOOK_VERSION);
    return 0;
  }
  std::string config, error;
  bool help = false;
  if (cmd != "init" && cmd != "check-config") return Usage("unknown command '" + cmd + "'");
  if (!ParseOptions(argc, argv, 2, &config, &help, &error)) return Usage(error);
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  return cmd == "init" ? Init(config) : CheckConfig(config);
}

}  // namespace
}  // namespace dlr

int main(int argc, char** argv) { return dlr::Main(argc, argv); }
