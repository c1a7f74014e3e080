// dlr-webhook: the adapter from FastCGI / CGI to HandleRequest.
//
// Modes: FastCGI when fd 0 is a listening socket (spawn-fcgi, mod_fcgid),
// `--listen ADDR` to open that socket itself, plain CGI otherwise (one request
// from the environment and stdin: cgi_mode.h). Everything the contract decides
// happens in common/, the config and its stores are the Runtime's
// (runtime.h); this file takes requests from libfcgi, writes their answers,
// runs the request threads and handles signals.
//
// FastCGI: `--threads N` request threads share one listening socket (accept
// serialised by a mutex, as in libfcgi's examples/threaded.c) and one store;
// with more than one thread the store is a GroupCommitStore, whose single
// writer commits the DLRs of every waiting request in one transaction. The
// main thread only waits for signals (blocked in every other thread): SIGHUP
// reloads the config (Runtime::Reload); SIGTERM/SIGINT let the requests in
// flight finish, commit and answer, and exit.
#include <fcgiapp.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/base/log.h"
#include "common/base/version.h"
#include "common/http/cgi_env.h"
#include "common/http/http_status.h"
#include "common/webhook/config.h"
#include "fcgi_app/cgi_mode.h"
#include "fcgi_app/runtime.h"

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

// True when `fd` is a unix-domain socket.
bool IsUnixSocket(int fd) {
  sockaddr_storage sa;
  socklen_t len = sizeof sa;
  return getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) == 0 && sa.ss_family == AF_UNIX;
}

// True when the web server has sent all of the request: the empty FCGI_STDIN
// record that ends it has been read. Found without waiting: what has not
// arrived yet (a body left unread, an end still on its way) counts as not
// at its end. The connection stays blocking for the answer.
// (libfcgi closes a stream on an error too: FCGX_HasSeenEOF alone says
// EOF after a failed read.)
bool InputAtEnd(FCGX_Request& fr) {
  if (FCGX_GetError(fr.in) != 0) return false;
  if (FCGX_HasSeenEOF(fr.in)) return true;
  const int flags = fcntl(fr.ipcFd, F_GETFL);
  if (flags < 0 || fcntl(fr.ipcFd, F_SETFL, flags | O_NONBLOCK) < 0) return false;
  char byte;
  const int n = FCGX_GetStr(&byte, 1, fr.in);  // from libfcgi's buffer, else one read
  const bool blocking_again = fcntl(fr.ipcFd, F_SETFL, flags) == 0;
  return blocking_again && n == 0 && FCGX_GetError(fr.in) == 0 && FCGX_HasSeenEOF(fr.in);
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
  // Connections come over a unix-domain socket: see Worker's close.
  const bool unix_listener_ = IsUnixSocket(listen_fd_);
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

// A request's FastCGI parameters, split once. The request looks up a few
// dozen names (its signature headers among them); FCGX_GetParam scans envp
// with strncmp for each, this compares lengths first. The first parameter
// of a name wins, as with FCGX_GetParam.
class ParamIndex {
 public:
  explicit ParamIndex(char** envp) {
    for (; envp && *envp; ++envp) {
      const char* eq = std::strchr(*envp, '=');
      if (eq)
        entries_.push_back({std::string_view(*envp, static_cast<size_t>(eq - *envp)), eq + 1});
    }
  }
  const char* Find(const char* name) const {
    const std::string_view n(name);
    for (const Entry& e : entries_) {
      if (e.name == n) return e.value;
    }
    return nullptr;
  }

 private:
  struct Entry {
    std::string_view name;
    const char* value;
  };
  std::vector<Entry> entries_;
};

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
  const ParamIndex params(fr.envp);
  Request req = RequestFromParams([&params](const char* n) { return params.Find(n); },
                                  g->config.signature_headers);
  const BodyPlan plan = PlanBody(params.Find("CONTENT_LENGTH"), g->config.max_body_bytes,
                                 params.Find("HTTP_TRANSFER_ENCODING"));
  // A request refused from its head (404, 405, 401) is answered unread.
  bool body_read = false;
  return RespondReadingBody(
      *g, std::move(req), [&fr, &plan](Request* r) { ReadBody(fr, plan, r); }, &body_read);
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
    // libfcgi ends a connection with shutdown(SHUT_WR), then reads and
    // discards until the web server closes its end (at most 2 s), so that
    // input never read cannot reset the connection, nor a web server still
    // writing fail, before the answer is read: one more wait, and one more
    // context switch, per request. On a unix-domain socket whose input has
    // all been read there is nothing to protect: the answer is queued in the
    // web server's receive buffer, which a close does not discard, and the
    // web server has nothing more to write. The connection is then closed at
    // once (libfcgi's `detached`). On TCP, or with input left unread (a body
    // refused from the head; mod_proxy_fcgi's end of the body, sent after
    // the answer to a request without one), libfcgi's close stays.
    fr.detached = unix_listener_ && InputAtEnd(fr) ? 1 : 0;
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
    std::string warning = ListenWarning(path, std::getenv("FCGI_WEB_SERVER_ADDRS"));
    if (!warning.empty()) Log(LogLevel::kWarning, warning);
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
  CgiStreams io;
  io.param = [](const char* n) { return std::getenv(n); };
  return RunCgi(ResolveConfigPath(opt.config), io);
}

}  // namespace
}  // namespace dlr

int main(int argc, char** argv) { return dlr::Main(argc, argv); }
