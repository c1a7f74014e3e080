#include "fcgi_app/runtime.h"

#include <optional>
#include <utility>

#include "common/base/log.h"
#include "common/base/time.h"
#include "common/http/http_status.h"
#include "common/ops/operator_routes.h"
#include "common/store/factory/open_store.h"
#include "common/store/group_commit.h"
#include "common/webhook/handler.h"

namespace dlr {

Status ReaderStore::With(const std::function<Status(StoreReader&)>& use) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!store_) {
    StatusOr<std::unique_ptr<Store>> s = OpenStore(database_, options_);
    if (!s.ok()) return s.status();
    store_ = std::move(s).value();
  }
  StoreReader reader(*store_);
  return use(reader);
}

std::shared_ptr<const Generation> Runtime::current() const {
  std::lock_guard<std::mutex> lock(current_mu_);
  return current_;
}

Status Runtime::Load(const std::string& path, bool at_start) {
  std::lock_guard<std::mutex> lock(load_mu_);
  if (loaded()) return Status::Ok();
  StatusOr<std::shared_ptr<const Generation>> g = Build(path, nullptr, at_start);
  if (!g.ok()) {
    Log(LogLevel::kError, g.status().message());
    return g.status();
  }
  Publish(std::move(g).value());
  loaded_.store(true, std::memory_order_release);
  return Status::Ok();
}

Status Runtime::Reload() {
  std::lock_guard<std::mutex> lock(load_mu_);
  std::shared_ptr<const Generation> old = current();
  if (!old) {
    Log(LogLevel::kInfo, "reload: no config loaded yet; nothing to do");
    return Status::Ok();
  }
  const std::string& path = old->config.source;
  StatusOr<std::shared_ptr<const Generation>> g = Build(path, old, /*at_start=*/true);
  if (!g.ok()) {
    Log(LogLevel::kError, "reload failed, keeping the previous config: " + g.status().message());
    return g.status();
  }
  Publish(std::move(g).value());
  Log(LogLevel::kInfo, "reload: config " + path + " loaded");
  return Status::Ok();
}

Status Runtime::WithReader(const std::function<Status(StoreReader&)>& use) {
  std::shared_ptr<const Generation> g = current();
  if (!g) return Status::Unavailable("no config loaded");
  return g->reader->With(use);
}

StatusOr<std::shared_ptr<const Generation>> Runtime::Build(
    const std::string& path, const std::shared_ptr<const Generation>& old, bool check_schema) {
  StatusOr<Config> c = LoadConfig(path);
  if (!c.ok()) return c.status();
  auto g = std::make_shared<Generation>();
  g->config = std::move(c).value();
  const Config& config = g->config;
  StoreOptions so;
  so.busy_timeout_ms = config.busy_timeout_ms;
  so.one_request_per_process = one_request_;
  if (old && old->config.database == config.database &&
      old->config.busy_timeout_ms == config.busy_timeout_ms) {
    g->store = old->store;
    g->reader = old->reader;
  } else {
    StatusOr<std::unique_ptr<Store>> store = OpenStore(config.database, so);
    if (!store.ok()) {
      return Status::InvalidArgument("invalid config " + path + ": " + store.status().message());
    }
    if (check_schema) {
      Status s = store.value()->EnsureSchema();
      if (!s.ok()) {
        // A newer schema will not change by waiting: refuse to start (or
        // to switch to it) rather than answer 503 for ever.
        StatusOr<int> found = store.value()->Ping();
        if (found.ok() && found.value() > kSchemaVersion) {
          return Status::Internal(s.message() + (old ? "" : "; not starting"));
        }
        Log(LogLevel::kWarning,
            "the database is not ready yet (" + s.message() + "); answering 503 until it is");
      }
    }
    std::unique_ptr<Store> backend = std::move(store).value();
    if (threads_ > 1) {
      g->store = std::make_shared<GroupCommitStore>(std::move(backend));
    } else {
      g->store = std::move(backend);
    }
    g->reader = std::make_shared<ReaderStore>(config.database, so);
  }
  if (!config.metrics.file.empty()) {
    if (old && old->metrics && old->metrics->file() == config.metrics.file) {
      g->metrics = old->metrics;
    } else {
      StatusOr<std::unique_ptr<Metrics>> m = Metrics::OpenShared(config.metrics.file);
      if (m.ok()) {
        g->metrics = std::move(m).value();
      } else {
        // Requests go on; the metrics path answers 503.
        Log(LogLevel::kError, m.status().message() + "; metrics are not counted");
      }
    }
  }
  if (!old || !(old->config.log == config.log)) {
    Status s = ConfigureLog(config.log);
    if (!s.ok())
      return Status::InvalidArgument("invalid config " + path + ": log.file: " + s.message());
  }
  for (const std::string& w : ConfigWarnings(config)) Log(LogLevel::kWarning, w);
  return std::shared_ptr<const Generation>(std::move(g));
}

void Runtime::Publish(std::shared_ptr<const Generation> g) {
  std::shared_ptr<const Generation> previous;
  {
    std::lock_guard<std::mutex> lock(current_mu_);
    previous = std::move(current_);
    current_ = std::move(g);
  }
  // `previous` is released here, outside the lock (its stores may drain).
}

Response Respond(const Generation& g, const Request& req) {
  OperatorContext ctx;
  ctx.metrics = g.metrics.get();
  ctx.with_reader = [&g](const std::function<Status(StoreReader&)>& use) {
    return g.reader->With(use);
  };
  ctx.now_millis = SystemClock().NowMillis();
  ctx.throttle = &LoginThrottle::Process();
  // Before the operator's paths: /dlr/status/../../receive/callback is no status page.
  if (std::optional<Response> r = RefuseUnnormalPath(req, g.metrics.get())) return *r;
  if (std::optional<Response> r = HandleOperatorRequest(req, g.config, ctx)) return *r;
  return HandleRequest(req, g.config, *g.store, SystemClock(), g.metrics.get());
}

Response RespondReadingBody(const Generation& g, Request req, const BodyReader& read_body,
                            bool* body_read) {
  *body_read = false;
  if (std::optional<Response> r = RefuseUnnormalPath(req, g.metrics.get())) return std::move(*r);
  if (!IsOperatorPath(req, g.config)) {
    std::optional<Response> refused = RefuseBeforeBody(req, g.config, g.metrics.get());
    if (refused) return std::move(*refused);
    read_body(&req);
    *body_read = true;
  }
  return Respond(g, req);
}

std::string ListenWarning(const std::string& bind, const char* web_server_addrs) {
  if (bind.empty() || bind[0] == '/') return "";  // a unix socket: its file mode guards it
  if (web_server_addrs && *web_server_addrs) return "";
  const size_t colon = bind.rfind(':');
  std::string host = colon == std::string::npos ? bind : bind.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost") return "";
  return "--listen " + bind +
         " is not a loopback address and FCGI_WEB_SERVER_ADDRS is not set: anyone who can "
         "reach the port speaks FastCGI to this responder (and says what REMOTE_ADDR is); "
         "listen on 127.0.0.1 or a unix socket, or set FCGI_WEB_SERVER_ADDRS to the web "
         "servers' addresses";
}

Response ConfigErrorResponse() {
  return ErrorResponse(
      Status::Internal("the receiver is not configured correctly; see the server's error log"));
}

}  // namespace dlr
