// dlr-webhook: the adapter from FastCGI / CGI to HandleRequest.
//
// Modes: FastCGI when fd 0 is a listening socket (spawn-fcgi, mod_fcgid),
// `--listen ADDR` to open that socket itself, plain CGI otherwise (one request
// from the environment and stdin). Everything the contract decides happens in
// common/; this file moves bytes, owns the process-wide config and store, and
// handles signals.
#include <fcgiapp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/cgi_env.h"
#include "common/config.h"
#include "common/handler.h"
#include "common/http_status.h"
#include "common/log.h"
#include "common/store.h"
#include "common/version.h"

extern char** environ;

namespace dlr {
namespace {

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_in_request = 0;

// SIGTERM/SIGINT: a process inside a request finishes it, commit and answer
// included, then leaves. One waiting for a connection leaves at once: the
// request is initialised with FCGI_FAIL_ACCEPT_ON_INTR, so accept() fails
// with EINTR and the loop ends normally (destructors run: the database is
// closed, and a sanitizer build checks for leaks). Should the signal land
// just before accept() is entered (or in CGI mode, or at start-up), the alarm
// ends the process a second later unless a request has begun meanwhile.
void OnTerminate(int) {
  g_stop = 1;
  if (!g_in_request) alarm(1);
}

void OnAlarm(int) {
  if (!g_in_request) _exit(0);
}

const char kUsage[] =
    "usage: dlr-webhook [--config PATH] [--listen ADDR]\n"
    "\n"
    "Receives SMS delivery reports as a FastCGI or CGI responder.\n"
    "  --config PATH   the JSON config (else $DLR_WEBHOOK_CONFIG, else the request's\n"
    "                  DLR_WEBHOOK_CONFIG FastCGI parameter, else "
    "/etc/dlr-webhook/config.json)\n"
    "  --listen ADDR   serve FastCGI on ADDR: unix:/path/to.sock or 127.0.0.1:9000\n"
    "                  (a bare :PORT binds 127.0.0.1)\n"
    "  --help, --version\n"
    "Without --listen: FastCGI when started by spawn-fcgi or mod_fcgid, else CGI.\n";

struct Options {
  std::string config;  // --config
  std::string listen;  // --listen
};

// The config and the store of this process: loaded once, then reused.
class Runtime {
 public:
  // `one_request`: this process serves a single request (CGI).
  explicit Runtime(bool one_request = false) : one_request_(one_request) {}

  // Loads `path` unless already loaded. Logs and returns the failure.
  Status Load(const std::string& path) {
    if (config_) return Status::Ok();
    StatusOr<Config> c = LoadConfig(path);
    if (!c.ok()) {
      Log(LogLevel::kError, c.status().message());
      return c.status();
    }
    StoreOptions so;
    so.busy_timeout_ms = c.value().busy_timeout_ms;
    so.one_request_per_process = one_request_;
    StatusOr<std::unique_ptr<Store>> store = OpenStore(c.value().database, so);
    if (!store.ok()) {
      Log(LogLevel::kError, "invalid config " + path + ": " + store.status().message());
      return store.status();
    }
    for (const std::string& w : ConfigWarnings(c.value())) Log(LogLevel::kWarning, w);
    config_ = std::move(c).value();
    store_ = std::move(store).value();
    return Status::Ok();
  }
  bool loaded() const { return config_.has_value(); }
  const Config& config() const { return *config_; }
  Store& store() { return *store_; }

 private:
  const bool one_request_;
  std::optional<Config> config_;
  std::unique_ptr<Store> store_;
};

Response ConfigErrorResponse() {
  return ErrorResponse(
      Status::Internal("the receiver is not configured correctly; see the server's error log"));
}

std::string SerializeHeaders(const Response& r) {
  std::string out = "Status: " + std::to_string(r.status) + " " + ReasonPhrase(r.status) +
                    "\r\nContent-Type: application/json\r\n";
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
  Runtime rt(/*one_request=*/true);
  Response resp;
  size_t body_read = 0;
  if (!rt.Load(ResolveConfigPath(opt.config)).ok()) {
    resp = ConfigErrorResponse();
  } else {
    Request req = RequestFromParams([](const char* n) { return std::getenv(n); });
    BodyPlan plan = PlanBody(std::getenv("CONTENT_LENGTH"), rt.config().max_body_bytes,
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
    resp = HandleRequest(req, rt.config(), rt.store());
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

Response Serve(Runtime& rt, const Options& opt, FCGX_Request& fr) {
  if (!rt.loaded()) {
    // No config named by flag or environment: the request may name one
    // (nginx `fastcgi_param DLR_WEBHOOK_CONFIG`); loaded once, then kept.
    const char* p = FCGX_GetParam("DLR_WEBHOOK_CONFIG", fr.envp);
    std::string path =
        opt.config.empty() && p && *p ? std::string(p) : ResolveConfigPath(opt.config);
    if (!rt.Load(path).ok()) return ConfigErrorResponse();
  }
  Request req = RequestFromParams([&fr](const char* n) { return FCGX_GetParam(n, fr.envp); });
  ReadBody(fr,
           PlanBody(FCGX_GetParam("CONTENT_LENGTH", fr.envp), rt.config().max_body_bytes,
                    FCGX_GetParam("HTTP_TRANSFER_ENCODING", fr.envp)),
           &req);
  return HandleRequest(req, rt.config(), rt.store());
}

void WriteToFcgiErr(void* context, const std::string& line) {
  FCGX_Request* fr = static_cast<FCGX_Request*>(context);
  FCGX_PutStr(line.data(), static_cast<int>(line.size()), fr->err);
}

int RunFastCgi(const Options& opt, int listen_fd) {
  Runtime rt;
  const char* env = std::getenv("DLR_WEBHOOK_CONFIG");
  if (!opt.config.empty() || (env && *env)) {
    // A config named at start must be valid at start.
    if (!rt.Load(ResolveConfigPath(opt.config)).ok()) return 1;
    Status s = rt.store().EnsureSchema();
    if (!s.ok()) {
      // A schema newer than this program knows will not change by waiting:
      // refuse to start rather than answer 503 for ever.
      StatusOr<int> found = rt.store().Ping();
      if (found.ok() && found.value() > kSchemaVersion) {
        Log(LogLevel::kError, s.message() + "; not starting");
        return 1;
      }
      Log(LogLevel::kWarning,
          "the database is not ready yet (" + s.message() + "); answering 503 until it is");
    }
  }
  FCGX_Request fr;
  if (FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
    Log(LogLevel::kError, "cannot initialise the FastCGI request");
    return 1;
  }
  // SIGTERM and SIGINT wait while a request is served: its reads and writes
  // are never interrupted, and the handler runs once it is finished.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigaddset(&term, SIGINT);
  while (!g_stop) {
    int rc = FCGX_Accept_r(&fr);
    if (rc < 0) {
      if (g_stop) break;
      if (rc == -EINTR) continue;  // another signal
      Log(LogLevel::kError, std::string("FastCGI accept failed; exiting: ") + std::strerror(-rc));
      return 1;
    }
    sigprocmask(SIG_BLOCK, &term, nullptr);
    g_in_request = 1;
    SetThreadLogWriter(WriteToFcgiErr, &fr);
    Response resp;
    try {
      resp = Serve(rt, opt, fr);
    } catch (const std::exception& e) {  // out of memory: answer, keep serving
      Log(LogLevel::kError, std::string("request failed: ") + e.what());
      resp = ErrorResponse(Status::Internal("the receiver failed; retry later"));
    }
    std::string head = SerializeHeaders(resp);
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), fr.out);
    FCGX_PutStr(resp.body.data(), static_cast<int>(resp.body.size()), fr.out);
    SetThreadLogWriter(nullptr, nullptr);
    FCGX_Finish_r(&fr);
    g_in_request = 0;
    sigprocmask(SIG_UNBLOCK, &term, nullptr);
  }
  return 0;
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
    } else {
      std::fprintf(stderr, "dlr-webhook: unknown argument '%s'\n%s", a.c_str(), kUsage);
      return 2;
    }
  }

  umask(027);  // the database and its WAL files: owner and group only
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnTerminate;  // no SA_RESTART: a blocked accept returns
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = OnAlarm;
  sa.sa_flags = SA_RESTART;  // a request it finds running goes on undisturbed
  sigaction(SIGALRM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (FCGX_Init() != 0) {
    Log(LogLevel::kError, "cannot initialise libfcgi");
    return 1;
  }
  if (!opt.listen.empty()) {
    std::string path = BindPath(opt.listen);
    bool is_unix = path[0] == '/';
    int fd = FCGX_OpenSocket(path.c_str(), 128);
    if (fd < 0) {
      Log(LogLevel::kError, "cannot listen on " + opt.listen + ": " + std::strerror(errno));
      return 1;
    }
    if (is_unix) chmod(path.c_str(), 0660);
    int rc = RunFastCgi(opt, fd);
    close(fd);
    if (is_unix) unlink(path.c_str());
    return rc;
  }
  if (!FCGX_IsCGI()) return RunFastCgi(opt, 0);
  return RunCgi(opt);
}

}  // namespace
}  // namespace dlr

int main(int argc, char** argv) { return dlr::Main(argc, argv); }
