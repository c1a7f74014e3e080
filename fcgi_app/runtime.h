// The responder's runtime: the config in force, the stores opened for it and
// the answer to one request under it. Shared by the FastCGI and CGI modes;
// knows nothing of FastCGI (no libfcgi here): the adapters build the Request
// and write the Response.
//
// A Generation is one loaded config and what was opened for it, never
// changed once published. The Runtime holds the current one and replaces it
// whole on Reload() (SIGHUP), keeping the database's stores when the database
// and busy_timeout_ms settings are unchanged; old stores drain with the
// requests still holding their generation.
#ifndef DLR_FCGI_APP_RUNTIME_H_
#define DLR_FCGI_APP_RUNTIME_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/base/metrics.h"
#include "common/base/status.h"
#include "common/http/http.h"
#include "common/store/reader.h"
#include "common/store/store.h"
#include "common/webhook/config.h"

namespace dlr {

// The database reader: a second store of the generation's database, opened
// on first use and never handed to the writer, for the health path (and any
// other operator's page). One caller at a time; owns its store.
class ReaderStore {
 public:
  ReaderStore(std::string database, StoreOptions options)
      : database_(std::move(database)), options_(options) {}

  // Runs `use` with the store, opening it first if need be; returns the
  // failure to open it, else what `use` returns.
  Status With(const std::function<Status(StoreReader&)>& use);

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
  std::shared_ptr<ReaderStore> reader;
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
  std::shared_ptr<const Generation> current() const;

  // Loads `path` unless already loaded. Logs and returns the failure.
  // `at_start`: the process was told its config when it started; the
  // database is then checked before any request (and before the store is
  // handed to a writer thread): a schema newer than this program knows is an
  // error, anything else a warning (answered 503 until it is ready).
  Status Load(const std::string& path, bool at_start = false);

  // Reads the config file again (SIGHUP). An invalid new config, or one whose
  // database, log file or metrics cannot be opened, keeps the old one; the
  // reason is logged and returned. Requests are served throughout.
  Status Reload();

  // Runs `use` with the reader store of the current generation (health, and
  // any operator's page): a connection of its own, never the writer's.
  // Unavailable before the first Load.
  Status WithReader(const std::function<Status(StoreReader&)>& use);

 private:
  // A generation for the config at `path`, reusing what `old` (if any) has
  // opened for the same settings. The failure's message is for the log.
  StatusOr<std::shared_ptr<const Generation>> Build(const std::string& path,
                                                    const std::shared_ptr<const Generation>& old,
                                                    bool check_schema);
  void Publish(std::shared_ptr<const Generation> g);

  const int threads_;
  const bool one_request_;
  std::mutex load_mu_;  // one Load or Reload at a time
  std::atomic<bool> loaded_{false};
  mutable std::mutex current_mu_;
  std::shared_ptr<const Generation> current_;  // guarded by current_mu_
};

// The answer to one request under generation `g`: an operator's path, else
// the webhooks (HandleRequest). Never throws but for out of memory.
Response Respond(const Generation& g, const Request& req);

// Reads the request's body into `req` (body and body_state), as the adapter
// can: the FastCGI stream or CGI's standard input.
using BodyReader = std::function<void(Request* req)>;

// The answer to `req`, whose body is not read yet: an operator's path, or a
// refusal decided from the head alone (404, 405, 401: RefuseBeforeBody), is
// answered without calling `read_body`; otherwise `read_body` fills the body
// and Respond answers. `*body_read` tells whether it was called.
Response RespondReadingBody(const Generation& g, Request req, const BodyReader& read_body,
                            bool* body_read);

// The warning for `--listen` on `bind` (as FCGX_OpenSocket takes it:
// "/path" or "host:port") when it is a TCP address other than loopback
// (127.0.0.0/8, ::1, localhost) and `web_server_addrs` (the environment's
// FCGI_WEB_SERVER_ADDRS) is unset or empty: anyone who reaches the port
// speaks FastCGI to the responder (and sets REMOTE_ADDR). "" when none.
std::string ListenWarning(const std::string& bind, const char* web_server_addrs);

// The answer when no valid config could be loaded: 500, the cause is in the
// error log.
Response ConfigErrorResponse();

}  // namespace dlr

#endif  // DLR_FCGI_APP_RUNTIME_H_
