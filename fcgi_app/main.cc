// dlr-webhook: the adapter from FastCGI / CGI to HandleRequest.
//
// Modes: FastCGI when fd 0 is a listening socket (spawn-fcgi, mod_fcgid),
// `--listen ADDR` to open that socket itself, plain CGI otherwise (one request
// from the environment and stdin). Everything the contract decides happens in
// common/; this file moves bytes, owns the process-wide config and store, and
// handles signals.
//
// FastCGI: `--threads N` request threads share one listening socket (accept
// serialised by a mutex, as in libfcgi's examples/threaded.c) and one store;
// with more than one thread the store is a GroupCommitStore, whose single
// writer commits the DLRs of every waiting request in one transaction. The
// main thread only waits for signals (blocked in every other thread): SIGHUP
// reloads the config (Runtime::Reload); SIGTERM/SIGINT let the requests in
// flight finish, commit and answer, and exit.
#include <fcgiapp.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "common/base/log.h"
#include "common/base/metrics.h"
#include "common/base/version.h"
#include "common/http/cgi_env.h"
#include "common/http/http_status.h"
#include "common/ops/operator_routes.h"
#include "common/store/factory/open_store.h"
#include "common/store/group_commit.h"
#include "common/store/reader.h"
#include "common/store/store.h"
#include "common/webhook/config.h"
#include "common/webhook/handler.h"

extern char** environ;

namespace dlr {
namespace {

// CGI mode: SIGTERM/SIGINT end the process at once; nothing is answered
// before the commit, so the platform retries whatever was cut short.
void OnTerminate(int) { _exit(0); }

inline constexpr int kDefaultThreads = 32;
inline constexpr int kMaxThreads = 256;

const char kUsage[] =
    "usage: dlr-webhook [--config PATH] [--listen ADDR] [--threads N]\n"
    "\n"
    "Receives SMS delivery reports as a FastCGI or CGI responder.\n"
    "  --config PATH   the JSON config (else $DLR_WEBHOOK_CONFIG, else the request's\n"
    "                  DLR_WEBHOOK_CONFIG FastCGI parameter, else "
    "/etc/dlr-webhook/config.json)\n"
    "  --listen ADDR   serve FastCGI on ADDR: unix:/path/to.sock or 127.0.0.1:9000\n"
    "                  (a bare :PORT binds 127.0.0.1)\n"
    "  --threads N     FastCGI request threads per process, 1-256 (else\n"
    "                  $DLR_WEBHOOK_THREADS, else 32); above 1, the DLRs of all\n"
    "                  waiting requests are committed together\n"
    "  --help, --version\n"
    "Without --listen: FastCGI when started by spawn-fcgi or mod_fcgid, else CGI.\n";

struct Options {
  std::string config;  // --config
  std::string listen;  // --listen
  int threads = 0;     // --threads; 0: $DLR_WEBHOOK_THREADS, else kDefaultThreads
};

// "8" -> 8; anything but a whole number in [1, kMaxThreads] -> 0.
int ParseThreads(const char* text) {
  if (!text || !*text) return 0;
  char* end = nullptr;
  errno = 0;
  long n = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || n < 1 || n > kMaxThreads) return 0;
  return static_cast<int>(n);
}

// The database reader: a second store of the generation's database, opened
// on first use and never handed to the writer, read through a StoreReader by
// the health path (and any other operator's page). One caller at a time.
class Reader {
 public:
  Reader(std::string database, StoreOptions options)
      : database_(std::move(database)), options_(options) {}

  Status With(const std::function<Status(StoreReader&)>& use) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!store_) {
      StatusOr<std::unique_ptr<Store>> s = OpenStore(database_, options_);
      if (!s.ok()) return s.status();
      store_ = std::move(s).value();
    }
    StoreReader reader(*store_);
    return use(reader);
  }

 private:
  const std::string database_;
  const StoreOptions options_;
  std::mutex mu_;
  std::unique_ptr<Store> store_;  // guarded by mu_
};

// One loaded config and what was opened for it. Never changed once
// published: a request takes the current one when it starts and keeps it to
// its end, so a reload never changes a request in flight; stores no request
// holds any more close with the last reference (a GroupCommitStore finishes
// its queue first).
struct Generation {
  Config config;
  std::shared_ptr<StoreWriter> store;  // the writer: a GroupCommitStore with threads > 1
  std::shared_ptr<Reader> reader;
  std::shared_ptr<Metrics> metrics;  // nullptr: no metrics (none configured, or the file failed)
};

// The config, stores and counters of this process. Loaded once, then replaced
// whole by Reload() (SIGHUP): the database's stores are kept when the
// database setting is unchanged, else new ones are opened and the old ones
// drain with the requests still holding them.
// Thread safety: every method may be called from any thread.
class Runtime {
 public:
  // `threads`: request threads sharing the store (above 1: group commit).
  // `one_request`: this process serves a single request (CGI).
  explicit Runtime(int threads = 1, bool one_request = false)
      : threads_(threads), one_request_(one_request) {}

  bool loaded() const { return loaded_.load(std::memory_order_acquire); }

  // The generation in force; nullptr before the first Load.
  std::shared_ptr<const Generation> current() const {
    std::lock_guard<std::mutex> lock(current_mu_);
    return current_;
  }

  // Loads `path` unless already loaded. Logs and returns the failure.
  // `at_start`: the process was told its config when it started; the
  // database is then checked before any request (and before the store is
  // handed to a writer thread): a schema newer than this program knows is an
  // error, anything else a warning (answered 503 until it is ready).
  Status Load(const std::string& path, bool at_start = false) {
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

  // Reads the config file again (SIGHUP). An invalid new config, or one whose
  // database, log file or metrics cannot be opened, keeps the old one; the
  // reason is logged. Requests are served throughout.
  Status Reload() {
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

  // Runs `use` with the reader store of the current generation (health, and
  // any operator's page): a connection of its own, never the writer's.
  Status WithReader(const std::function<Status(StoreReader&)>& use) {
    std::shared_ptr<const Generation> g = current();
    if (!g) return Status::Unavailable("no config loaded");
    return g->reader->With(use);
  }

 private:
  // A generation for the config at `path`, reusing what `old` (if any) has
  // opened for the same settings. The failure's message is for the log.
  StatusOr<std::shared_ptr<const Generation>> Build(const std::string& path,
                                                    const std::shared_ptr<const Generation>& old,
                                                    bool check_schema) {
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
      g->reader = std::make_shared<Reader>(config.database, so);
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

  void Publish(std::shared_ptr<const Generation> g) {
    std::shared_ptr<const Generation> previous;
    {
      std::lock_guard<std::mutex> lock(current_mu_);
      previous = std::move(current_);
      current_ = std::move(g);
    }
    // `previous` is released here, outside the lock (its stores may drain).
  }

  const int threads_;
  const bool one_request_;
  std::mutex load_mu_;  // one Load or Reload at a time
  std::atomic<bool> loaded_{false};
  mutable std::mutex current_mu_;
  std::shared_ptr<const Generation> current_;  // guarded by current_mu_
};

// The answer to one request under generation `g`: an operator's path, else
// the webhooks.
Response Respond(const Generation& g, const Request& req) {
  OperatorContext ctx;
  ctx.metrics = g.metrics.get();
  ctx.with_reader = [&g](const std::function<Status(StoreReader&)>& use) {
    return g.reader->With(use);
  };
  ctx.now_millis = UtcNowMillis();
  if (std::optional<Response> r = HandleOperatorRequest(req, g.config, ctx)) return *r;
  return HandleRequest(req, g.config, *g.store, g.metrics.get());
}

Response ConfigErrorResponse() {
  return ErrorResponse(
      Status::Internal("the receiver is not configured correctly; see the server's error log"));
}

std::string SerializeHeaders(const Response& r) {
  std::string out = "Status: " + std::to_string(r.status) + " " + ReasonPhrase(r.status) +
                    "\r\nContent-Type: " + r.content_type + "\r\n";
  for (const auto& h : r.headers) out += h.first + ": " + h.second + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
  return out;
}

// ---- CGI -----------------------------------------------------------------

bool WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// The body length the web server announced, or 0 when CONTENT_LENGTH is
// absent or not a number.
size_t DeclaredLength(const char* content_length) {
  if (content_length == nullptr || *content_length < '0' || *content_length > '9') return 0;
  char* end = nullptr;
  unsigned long long n = std::strtoull(content_length, &end, 10);
  return *end == '\0' ? static_cast<size_t>(n) : 0;
}

// Reads and throws away up to `n` bytes of stdin (at most kMaxMaxBodyBytes).
// A body left unread makes a web server that writes it to our stdin (Apache's
// mod_cgid) fail with a broken pipe, and the reset of the socket can lose the
// answer it has not read yet.
void DrainStdin(size_t n) {
  char sink[16384];
  n = std::min(n, kMaxMaxBodyBytes);
  while (n > 0) {
    ssize_t r = read(STDIN_FILENO, sink, std::min(n, sizeof sink));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n -= static_cast<size_t>(r);
  }
}

int RunCgi(const Options& opt) {
  Runtime rt(/*threads=*/1, /*one_request=*/true);
  Response resp;
  size_t body_read = 0;
  if (!rt.Load(ResolveConfigPath(opt.config)).ok()) {
    resp = ConfigErrorResponse();
  } else {
    std::shared_ptr<const Generation> g = rt.current();
    Request req = RequestFromParams([](const char* n) { return std::getenv(n); });
    BodyPlan plan = PlanBody(std::getenv("CONTENT_LENGTH"), g->config.max_body_bytes,
                             std::getenv("HTTP_TRANSFER_ENCODING"));
    req.body_state = plan.state;
    if (plan.state == BodyState::kComplete && plan.length > 0) {
      // RFC 3875: exactly CONTENT_LENGTH bytes, never more.
      req.body.resize(plan.length);
      size_t got = 0;
      while (got < plan.length) {
        ssize_t n = read(STDIN_FILENO, &req.body[got], plan.length - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      body_read = got;
      if (got < plan.length) {
        req.body.resize(got);
        req.body_state = BodyState::kTruncated;
      }
    }
    resp = Respond(*g, req);
  }
  bool written = WriteAll(STDOUT_FILENO, SerializeHeaders(resp) + resp.body);
  // A body refused unread (413, a broken config): read the rest of what was
  // announced, never more, once the answer is out.
  size_t declared = DeclaredLength(std::getenv("CONTENT_LENGTH"));
  if (declared > body_read) DrainStdin(declared - body_read);
  return written ? 0 : 1;
}

// ---- FastCGI -------------------------------------------------------------

// Reads the body the plan allows; past the cap, reads and discards what the
// web server sends so it sees a clean answer, keeping nothing.
void ReadBody(FCGX_Request& fr, const BodyPlan& plan, Request* req) {
  req->body_state = plan.state;
  if (plan.state == BodyState::kComplete && plan.length > 0) {
    req->body.resize(plan.length);
    size_t got = 0;
    while (got < plan.length) {
      int n = FCGX_GetStr(&req->body[got], static_cast<int>(plan.length - got), fr.in);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (got < plan.length) {
      req->body.resize(got);
      req->body_state = BodyState::kTruncated;
    }
  } else if (plan.state == BodyState::kTooLarge) {
    char sink[16384];
    size_t drained = 0;
    while (drained < kMaxMaxBodyBytes) {
      int n = FCGX_GetStr(sink, sizeof sink, fr.in);
      if (n <= 0) break;
      drained += static_cast<size_t>(n);
    }
  }
}

void WriteToFcgiErr(void* context, const std::string& line) {
  FCGX_Request* fr = static_cast<FCGX_Request*>(context);
  FCGX_PutStr(line.data(), static_cast<int>(line.size()), fr->err);
}

// One FastCGI process: `threads` request threads on one listening socket, and
// the calling thread waiting for the signal to stop.
//
// Stopping: SIGTERM and SIGINT are blocked in every thread and taken by
// sigwait() in the calling thread (so no read, write or fsync of a request is
// ever interrupted). It then wakes the thread waiting for a connection (a
// pipe polled beside the socket), lets every request in flight finish (commit
// and answer included) and leaves with _exit(): every waiter has been
// answered, so the writer thread has nothing to do. A second signal leaves at
// once. libfcgi's own accept() cannot be woken (it retries on EINTR), which
// is why connections are waited for with poll() first.
class FastCgiProcess {
 public:
  FastCgiProcess(const Options& opt, int listen_fd, int threads)
      : opt_(opt), listen_fd_(listen_fd), threads_(threads), rt_(threads) {}

  // Serves until stopped. `at_exit` runs just before the process exits.
  int Run(void (*at_exit)(const std::string&), const std::string& at_exit_arg);

 private:
  void Worker();
  // True when a connection waits on the socket; false once stopping.
  bool WaitForConnection();
  Response Serve(FCGX_Request& fr);
  // A request thread cannot go on: stop the process, exit status 1.
  void Fail(const std::string& why);

  const Options& opt_;
  const int listen_fd_;
  const int threads_;
  Runtime rt_;
  int wake_[2] = {-1, -1};  // written once when stopping; never drained
  std::mutex accept_mu_;    // one thread waits for a connection at a time
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<bool> accepting_{false};  // a thread is between its stop_ check and in_flight_++
  std::atomic<int> in_flight_{0};       // requests accepted and not yet finished
};

bool FastCgiProcess::WaitForConnection() {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
  for (;;) {
    if (stop_) return false;
    int n = poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (fds[1].revents != 0 || stop_) return false;
    return true;  // readable, or an error FCGX_Accept_r will report
  }
}

Response FastCgiProcess::Serve(FCGX_Request& fr) {
  if (!rt_.loaded()) {
    // No config named by flag or environment: the request may name one
    // (nginx `fastcgi_param DLR_WEBHOOK_CONFIG`); loaded once, then kept.
    const char* p = FCGX_GetParam("DLR_WEBHOOK_CONFIG", fr.envp);
    std::string path =
        opt_.config.empty() && p && *p ? std::string(p) : ResolveConfigPath(opt_.config);
    if (!rt_.Load(path).ok()) return ConfigErrorResponse();
  }
  // This request's generation, kept to its end whatever a reload does.
  std::shared_ptr<const Generation> g = rt_.current();
  Request req = RequestFromParams([&fr](const char* n) { return FCGX_GetParam(n, fr.envp); });
  ReadBody(fr,
           PlanBody(FCGX_GetParam("CONTENT_LENGTH", fr.envp), g->config.max_body_bytes,
                    FCGX_GetParam("HTTP_TRANSFER_ENCODING", fr.envp)),
           &req);
  return Respond(*g, req);
}

void FastCgiProcess::Fail(const std::string& why) {
  Log(LogLevel::kError, why + "; exiting");
  failed_ = true;
  kill(getpid(), SIGTERM);  // taken by the waiting main thread
}

void FastCgiProcess::Worker() {
  FCGX_Request fr;
  if (FCGX_InitRequest(&fr, listen_fd_, 0) != 0) {
    Fail("cannot initialise a FastCGI request");
    return;
  }
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(accept_mu_);
      // accepting_ is raised before stop_ is read: a stopping main thread
      // that sees it lowered knows no connection will be taken any more.
      accepting_ = true;
      if (!WaitForConnection()) {
        accepting_ = false;
        break;
      }
      int rc = FCGX_Accept_r(&fr);
      if (rc == 0) ++in_flight_;
      accepting_ = false;
      if (rc < 0) {
        if (!stop_) Fail("FastCGI accept failed (" + std::to_string(rc) + ")");
        break;
      }
    }
    SetThreadLogWriter(WriteToFcgiErr, &fr);
    Response resp;
    try {
      resp = Serve(fr);
    } catch (const std::exception& e) {  // out of memory: answer, keep serving
      Log(LogLevel::kError, std::string("request failed: ") + e.what());
      resp = ErrorResponse(Status::Internal("the receiver failed; retry later"));
    }
    std::string head = SerializeHeaders(resp);
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), fr.out);
    FCGX_PutStr(resp.body.data(), static_cast<int>(resp.body.size()), fr.out);
    SetThreadLogWriter(nullptr, nullptr);
    FCGX_Finish_r(&fr);
    --in_flight_;
  }
  FCGX_Free(&fr, 1);
}

int FastCgiProcess::Run(void (*at_exit)(const std::string&), const std::string& at_exit_arg) {
  // glibc gives each thread that allocates an arena of its own (up to 8 per
  // core); the request threads allocate little, so two arenas do.
  mallopt(M_ARENA_MAX, 2);
  sigset_t stop_signals;  // and SIGHUP, the reload
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  // Before any thread exists (the store's writer included): all inherit it.
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  if (pipe(wake_) != 0) {
    Log(LogLevel::kError, std::string("cannot create a pipe: ") + std::strerror(errno));
    return 1;
  }

  const char* env = std::getenv("DLR_WEBHOOK_CONFIG");
  if (!opt_.config.empty() || (env && *env)) {
    // A config named at start must be valid at start.
    if (!rt_.Load(ResolveConfigPath(opt_.config), /*at_start=*/true).ok()) return 1;
  }
  std::vector<std::thread> workers;
  try {
    for (int i = 0; i < threads_; ++i) workers.emplace_back([this] { Worker(); });
  } catch (const std::exception& e) {
    Log(LogLevel::kError, std::string("cannot start the request threads: ") + e.what());
    at_exit(at_exit_arg);
    _exit(1);
  }

  for (;;) {
    int sig = 0;
    if (sigwait(&stop_signals, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    rt_.Reload();  // requests go on meanwhile, each with the generation it started with
  }
  stop_ = true;
  ssize_t ignored = write(wake_[1], "x", 1);
  (void)ignored;
  // Requests in flight finish however long they take (a second signal, or
  // the service manager's SIGKILL, cuts that short). A thread still inside
  // accept() after the wake-up lost its connection to another process and
  // holds nothing: it is waited for only briefly.
  const timespec tick = {0, 10 * 1000 * 1000};
  int idle_ticks = 0;
  while (in_flight_ > 0 || (accepting_ && idle_ticks < 100)) {
    if (in_flight_ == 0) ++idle_ticks;
    int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) break;  // a SIGHUP now is ignored
  }
  at_exit(at_exit_arg);
  // The request threads are left blocked in libfcgi; nothing is waiting on
  // the store, and SQLite recovers an unclosed WAL on the next open.
  std::fflush(nullptr);
  _exit(failed_ ? 1 : 0);
}

void NothingAtExit(const std::string&) {}
void UnlinkAtExit(const std::string& path) { unlink(path.c_str()); }

// --threads, else $DLR_WEBHOOK_THREADS, else the default; 0 when invalid.
int ResolveThreads(const Options& opt) {
  if (opt.threads > 0) return opt.threads;
  const char* env = std::getenv("DLR_WEBHOOK_THREADS");
  if (!env || !*env) return kDefaultThreads;
  int threads = ParseThreads(env);
  if (threads == 0) {
    Log(LogLevel::kError,
        "DLR_WEBHOOK_THREADS must be a number from 1 to " + std::to_string(kMaxThreads));
  }
  return threads;
}

// "unix:/p" -> "/p"; ":9000" or "9000" -> "127.0.0.1:9000"; else as given.
std::string BindPath(const std::string& addr) {
  if (addr.rfind("unix:", 0) == 0) return addr.substr(5);
  if (!addr.empty() && addr[0] == ':') return "127.0.0.1" + addr;
  if (addr.find(':') == std::string::npos && addr.find('/') == std::string::npos) {
    return "127.0.0.1:" + addr;
  }
  return addr;
}

int Main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--version") {
      std::puts("dlr-webhook " DLR_WEBHOOK_VERSION);
      return 0;
    } else if ((a == "--config" || a == "--listen") && i + 1 < argc) {
      (a == "--config" ? opt.config : opt.listen) = argv[++i];
    } else if (a.rfind("--config=", 0) == 0) {
      opt.config = a.substr(9);
    } else if (a.rfind("--listen=", 0) == 0) {
      opt.listen = a.substr(9);
    } else if (a == "--threads" || a.rfind("--threads=", 0) == 0) {
      const char* v = a == "--threads" ? (i + 1 < argc ? argv[++i] : nullptr) : argv[i] + 10;
      opt.threads = ParseThreads(v);
      if (opt.threads == 0) {
        std::fprintf(stderr, "dlr-webhook: --threads takes a number from 1 to %d\n%s", kMaxThreads,
                     kUsage);
        return 2;
      }
    } else {
      std::fprintf(stderr, "dlr-webhook: unknown argument '%s'\n%s", a.c_str(), kUsage);
      return 2;
    }
  }

  umask(027);  // the database and its WAL files: owner and group only
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnTerminate;  // CGI mode; FastCGI mode blocks both and waits for them
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (FCGX_Init() != 0) {
    Log(LogLevel::kError, "cannot initialise libfcgi");
    return 1;
  }
  bool fastcgi = !opt.listen.empty() || !FCGX_IsCGI();
  int threads = fastcgi ? ResolveThreads(opt) : 1;
  if (threads == 0) return 2;
  if (!opt.listen.empty()) {
    std::string path = BindPath(opt.listen);
    bool is_unix = path[0] == '/';
    int fd = FCGX_OpenSocket(path.c_str(), 128);
    if (fd < 0) {
      Log(LogLevel::kError, "cannot listen on " + opt.listen + ": " + std::strerror(errno));
      return 1;
    }
    if (is_unix) chmod(path.c_str(), 0660);
    FastCgiProcess process(opt, fd, threads);
    int rc = process.Run(is_unix ? UnlinkAtExit : NothingAtExit, path);
    close(fd);
    if (is_unix) unlink(path.c_str());
    return rc;
  }
  if (fastcgi) {
    FastCgiProcess process(opt, 0, threads);
    return process.Run(NothingAtExit, "");
  }
  return RunCgi(opt);
}

}  // namespace
}  // namespace dlr

int main(int argc, char** argv) { return dlr::Main(argc, argv); }
