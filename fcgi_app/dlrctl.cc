// dlrctl: the operator's tool. Commands take their options after the command
// name. Exit codes: 0 ok, 1 failure (reason on stderr), 2 usage error.
//
// This file only moves bytes: the command line is parsed by common/ctl_args,
// the rows are read through a StoreReader (common/store/reader.h),
// formatted by common/export_format and common/report, checked by
// common/config_check, common/replay and common/send_test.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/base/log.h"
#include "common/base/time.h"
#include "common/base/version.h"
#include "common/ctl/config_check.h"
#include "common/ctl/ctl_args.h"
#include "common/ctl/export_format.h"
#include "common/ctl/replay.h"
#include "common/ctl/send_test.h"
#include "common/ops/report.h"
#include "common/store/factory/open_store.h"
#include "common/store/reader.h"
#include "common/store/store.h"
#include "common/webhook/config.h"
#include "common/webhook/handler.h"
#include "fcgi_app/http_client.h"

namespace dlr {
namespace {

int Fail(const std::string& why) {
  std::fprintf(stderr, "dlrctl: %s\n", why.c_str());
  return 1;
}

// Seconds on the monotonic clock, for rates.
double Seconds() { return static_cast<double>(SystemClock().MonotonicMicros()) / 1e6; }

std::string RandomHex(size_t bytes) {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    unsigned v = rd() & 0xFF;
    out.push_back(kHex[v >> 4]);
    out.push_back(kHex[v & 15]);
  }
  return out;
}

// Reads a whole file ("-": stdin).
StatusOr<std::string> ReadAll(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable("cannot read " + path + ": " + std::strerror(errno));
  text << in.rdbuf();
  return text.str();
}

// The config and a store of the database it names.
struct Opened {
  Config config;
  std::unique_ptr<Store> store;

  // The operator's reads and maintenance, through `store`.
  StoreReader reader() { return StoreReader(*store); }
};

StatusOr<Opened> Open(const CtlCommand& c) {
  StatusOr<Config> config = LoadConfig(ResolveConfigPath(c.config));
  if (!config.ok()) return config.status();
  StoreOptions options;
  options.busy_timeout_ms = config.value().busy_timeout_ms;
  options.long_reads = true;
  StatusOr<std::unique_ptr<Store>> store = OpenStore(config.value().database, options);
  if (!store.ok()) {
    return Status::InvalidArgument("invalid config " + config.value().source + ": " +
                                   store.status().message());
  }
  return Opened{std::move(config).value(), std::move(store).value()};
}

// A line on stderr now and then while a long command runs, when stderr is a
// terminal (and not the terminal the data goes to); erased at the end.
class Progress {
 public:
  Progress(const char* what, bool data_on_stdout)
      : what_(what),
        enabled_(isatty(STDERR_FILENO) && !(data_on_stdout && isatty(STDOUT_FILENO))),
        start_(Seconds()) {}
  ~Progress() { Done(); }

  // Called for each row: looks at the clock every 1024 rows.
  void Tick(int64_t n) {
    if ((n & 1023) == 0) Update(n);
  }
  void Update(int64_t n) {
    if (!enabled_) return;
    double now = Seconds();
    if (now - start_ < 1.0 || now - last_ < 0.25) return;
    last_ = now;
    std::fprintf(stderr, "\r%s: %lld rows, %.0f rows/s", what_, static_cast<long long>(n),
                 static_cast<double>(n) / (now - start_));
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }

 private:
  const char* what_;
  const bool enabled_;
  const double start_;
  double last_ = 0;
  bool shown_ = false;
};

int Init(const CtlCommand& c) {
  StatusOr<Opened> o = Open(c);
  if (!o.ok()) return Fail(o.status().message());
  StatusOr<SchemaReport> r = o.value().store->Migrate();
  if (!r.ok()) return Fail("cannot create the schema: " + r.status().message());
  const SchemaReport& rep = r.value();
  std::string what = rep.before == 0 ? "created"
                     : rep.before == rep.after
                         ? "already up to date"
                         : "upgraded from version " + std::to_string(rep.before);
  std::printf("schema ready: %s (version %d, %s)\n",
              RedactDatabase(o.value().config.database).c_str(), rep.after, what.c_str());
  return 0;
}

int CheckConfig(const CtlCommand& c) {
  const std::string path = ResolveConfigPath(c.config);
  StatusOr<Config> loaded = LoadConfig(path);
  if (!loaded.ok()) return Fail(loaded.status().message());
  Config config = std::move(loaded).value();
  // The database setting as the responder would take it at startup (URL
  // form, backends of this build).
  StoreOptions options;
  options.busy_timeout_ms = config.busy_timeout_ms;
  StatusOr<std::unique_ptr<Store>> store = OpenStore(config.database, options);
  if (!store.ok()) {
    return Fail("invalid config " + config.source + ": " + store.status().message());
  }
  std::printf("config: %s\n", config.source.c_str());
  std::printf("database: %s\n", RedactDatabase(config.database).c_str());
  std::printf("max_body_bytes: %zu\n", config.max_body_bytes);
  std::printf("busy_timeout_ms: %d\n", config.busy_timeout_ms);
  for (const Webhook& w : config.webhooks) {
    std::printf("webhook %s: path %s, %zu secret%s, validation key %s", w.name.c_str(),
                w.path ? w.path->c_str() : "(every path)", w.secrets.size(),
                w.secrets.size() == 1 ? "" : "s", w.validation_key ? "set" : "not set");
    if (!w.fields.empty()) {
      std::printf(", fields");
      for (const auto& f : w.fields) std::printf(" %s=%s", f.first.c_str(), f.second.c_str());
    }
    std::printf("\n");
    std::printf("webhook %s: provider %s, verify %s\n", w.name.c_str(), w.provider.c_str(),
                DescribeVerify(w).c_str());
  }
  if (!config.trusted_proxies.empty()) {
    std::printf("trusted_proxies:");
    for (const Cidr& p : config.trusted_proxies) std::printf(" %s", CidrToString(p).c_str());
    std::printf("\n");
  }
  if (config.dashboard) {
    const DashboardConfig& d = *config.dashboard;
    std::printf("dashboard: path %s, %s, stale after %d minutes\n", d.path.c_str(),
                d.password ? (d.user ? "password set (user name set)" : "password set")
                           : "no password: loopback clients only (loopback_without_password)",
                d.stale_after_minutes);
  }
  // Reached, creating nothing.
  std::vector<std::string> db_warnings;
  StatusOr<int> version = store.value()->Ping();
  if (version.ok()) {
    int v = version.value();
    std::string state = "reachable, ";
    if (v == 0) {
      state += "no schema yet (dlrctl init creates it; so does the first DLR)";
    } else {
      state += "schema version " + std::to_string(v);
      if (v < kSchemaVersion) {
        state += " (dlrctl init upgrades it to " + std::to_string(kSchemaVersion) +
                 "; so does the first responder to connect)";
      }
    }
    if (v > kSchemaVersion) {
      db_warnings.push_back("the database schema is version " + std::to_string(v) +
                            ", newer than this program knows (" + std::to_string(kSchemaVersion) +
                            "): the responder refuses it; upgrade dlr-webhook");
    }
    std::printf("database status: %s\n", state.c_str());
  } else if (version.status().code() == StatusCode::kNotFound) {
    std::printf(
        "database status: the file does not exist yet (dlrctl init creates it; so does "
        "the first DLR)\n");
    std::string dir = config.database.substr(0, config.database.rfind('/') + 1);
    struct stat info;
    if (!dir.empty() && (stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))) {
      db_warnings.push_back("the database's directory " + dir + " does not exist");
    }
  } else {
    std::printf("database status: not reachable\n");
    db_warnings.push_back("the database cannot be reached: " + version.status().message());
  }
  std::optional<unsigned> mode;
  struct stat info;
  if (stat(path.c_str(), &info) == 0) mode = static_cast<unsigned>(info.st_mode);
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved)) config.source = resolved;
  for (const std::string& w : DeploymentWarnings(config, mode)) {
    std::printf("warning: %s\n", w.c_str());
  }
  for (const std::string& w : db_warnings) std::printf("warning: %s\n", w.c_str());
  return 0;
}

int Export(const CtlCommand& c) {
  StatusOr<Opened> o = Open(c);
  if (!o.ok()) return Fail(o.status().message());
  // A file is written beside its final name and renamed into place once
  // complete: a failed export never leaves half a file behind the name.
  std::string temp;
  FILE* out = stdout;
  if (!c.output.empty()) {
    temp = c.output + ".XXXXXX";
    int fd = mkstemp(&temp[0]);
    if (fd < 0) return Fail("cannot create " + temp + ": " + std::strerror(errno));
    out = fdopen(fd, "w");
    if (!out) {
      close(fd);
      unlink(temp.c_str());
      return Fail("cannot write " + temp + ": " + std::strerror(errno));
    }
  }
  std::setvbuf(out, nullptr, _IOFBF, 1 << 20);
  std::string buf;
  buf.reserve(1 << 17);
  if (c.format == ExportFormat::kCsv) AppendCsvHeader(&buf);
  int64_t rows = 0;
  Progress progress("export", c.output.empty());
  auto flush = [&]() -> Status {
    if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
      return Status::Unavailable(std::string("cannot write the export: ") + std::strerror(errno));
    }
    buf.clear();
    return Status::Ok();
  };
  Status s = o.value().reader().ScanEvents(c.filter, [&](const EventRow& e) -> Status {
    if (c.format == ExportFormat::kCsv) {
      AppendCsvRow(e, &buf);
    } else {
      AppendJsonLine(e, &buf);
    }
    progress.Tick(++rows);
    return buf.size() >= (1 << 16) ? flush() : Status::Ok();
  });
  if (s.ok()) s = flush();
  if (s.ok() && std::fflush(out) != 0) {
    s = Status::Unavailable(std::string("cannot write the export: ") + std::strerror(errno));
  }
  progress.Done();
  if (!temp.empty()) {
    if (s.ok() && fsync(fileno(out)) != 0) {
      s = Status::Unavailable("cannot write " + temp + ": " + std::strerror(errno));
    }
    if (std::fclose(out) != 0 && s.ok()) {
      s = Status::Unavailable("cannot write " + temp + ": " + std::strerror(errno));
    }
    if (s.ok() && std::rename(temp.c_str(), c.output.c_str()) != 0) {
      s = Status::Unavailable("cannot rename " + temp + " to " + c.output + ": " +
                              std::strerror(errno));
    }
    if (!s.ok()) unlink(temp.c_str());
  }
  if (!s.ok()) return Fail(s.message());
  if (!c.output.empty()) {
    std::printf("%lld event%s written to %s\n", static_cast<long long>(rows), rows == 1 ? "" : "s",
                c.output.c_str());
  }
  return 0;
}

int Stats(const CtlCommand& c) {
  StatusOr<Opened> o = Open(c);
  if (!o.ok()) return Fail(o.status().message());
  StatusOr<EventStats> stats = o.value().reader().Stats(c.filter);
  if (!stats.ok()) return Fail(stats.status().message());
  std::string text =
      c.json ? RenderStatsJson(stats.value(), c.filter) : RenderStatsTable(stats.value(), c.filter);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int Replay(const CtlCommand& c, Opened& o) {
  StatusOr<RejectedRow> row = o.reader().GetRejected(c.replay);
  if (!row.ok()) return Fail(row.status().message());
  std::optional<std::string> body;
  if (c.body_file) {
    StatusOr<std::string> text = ReadAll(*c.body_file);
    if (!text.ok()) return Fail(text.status().message());
    body = std::move(text).value();
  }
  StatusOr<Request> req = ReplayRequest(row.value(), o.config, body, c.content_type);
  if (!req.ok()) return Fail(req.status().message());
  if (row.value().replayed_at) {
    std::printf("note: refused request %lld was replayed before, at %s (answer %d)\n",
                static_cast<long long>(c.replay), row.value().replayed_at->c_str(),
                row.value().replay_status);
  }
  ReplayStore replay_store(o.store.get());
  Response resp = HandleRequest(req.value(), o.config, replay_store, SystemClock());
  std::printf("replayed refused request %lld (webhook %s, received %s)%s: %d %s\n",
              static_cast<long long>(c.replay), row.value().rejected.webhook.c_str(),
              row.value().rejected.received_at.c_str(), body ? " with the body given" : "",
              resp.status, resp.body.c_str());
  Status marked =
      o.reader().MarkReplayed(c.replay, FormatUtcMillis(SystemClock().NowMillis()), resp.status);
  if (!marked.ok()) {
    std::fprintf(stderr, "dlrctl: warning: the replay could not be recorded in its row: %s\n",
                 marked.message().c_str());
  }
  if (resp.status != 200) {
    return Fail("the replay was answered " + std::to_string(resp.status) +
                "; the refused request stays as it was: repair its body (dlrctl rejected --show " +
                std::to_string(c.replay) + " > body) and replay it with --body body");
  }
  return 0;
}

int Rejected(const CtlCommand& c) {
  StatusOr<Opened> o = Open(c);
  if (!o.ok()) return Fail(o.status().message());
  StoreReader reader = o.value().reader();
  if (c.show) {
    StatusOr<RejectedRow> row = reader.GetRejected(c.show);
    if (!row.ok()) return Fail(row.status().message());
    // On a terminal, a body's control characters (escape sequences) are
    // shown as \xHH, not acted on; into a pipe or a file it goes as it is.
    const std::string raw =
        isatty(STDOUT_FILENO) ? EscapeControls(row.value().rejected.raw, /*keep_line_breaks=*/true)
                              : row.value().rejected.raw;
    if (std::fwrite(raw.data(), 1, raw.size(), stdout) != raw.size() || std::fflush(stdout) != 0) {
      return Fail(std::string("cannot write: ") + std::strerror(errno));
    }
    return 0;
  }
  if (c.replay) return Replay(c, o.value());
  std::vector<RejectedRow> rows;
  Status s = reader.ScanRejected(c.rejected, [&](const RejectedRow& r) -> Status {
    if (c.json) {
      std::string line = RejectedJsonLine(r);
      std::fwrite(line.data(), 1, line.size(), stdout);
    } else {
      rows.push_back(r);
    }
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s.message());
  if (!c.json) {
    if (rows.empty()) {
      std::printf("no refused requests\n");
    } else {
      std::string text = RenderRejectedTable(rows);
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
  }
  return 0;
}

int SendTest(const CtlCommand& c) {
  SendTestOptions o;
  o.url = c.url;
  o.token = c.token;
  o.secret = c.secret;
  if (!c.send_test_webhook.empty()) {
    const std::string path = ResolveConfigPath(c.config);
    StatusOr<Config> config = LoadConfig(path);
    if (!config.ok()) return Fail(config.status().message());
    const Webhook* found = nullptr;
    for (const Webhook& w : config.value().webhooks) {
      if (w.name == c.send_test_webhook) found = &w;
    }
    if (!found) return Fail("no webhook \"" + c.send_test_webhook + "\" in " + path);
    SendTestFromWebhook(*found, &o);
  }
  if (c.provider) o.provider = *c.provider;
  if (c.provider && c.send_test_webhook.empty()) {
    o.scheme.kind = DefaultSchemeFor(*c.provider).value_or(SchemeKind::kNone);
  }
  if (c.scheme && *c.scheme != o.scheme.kind) {
    o.scheme = VerifyScheme();
    o.scheme.kind = *c.scheme;
    o.scheme.header = "X-Signature";  // hmac from flags: sha256, hex, no prefix
  }
  if (!c.public_url.empty()) o.public_url = c.public_url;
  if (c.secret && o.scheme.kind != SchemeKind::kNone && o.scheme.kind != SchemeKind::kBearer) {
    return Fail("--secret is a bearer secret; give the " +
                std::string(SchemeKindName(o.scheme.kind)) + " secret with --secret-file");
  }
  if (c.private_key_file) {
    if (o.scheme.kind != SchemeKind::kTelnyx) {
      return Fail("--private-key-file is for the telnyx scheme only");
    }
    StatusOr<std::string> text = ReadAll(*c.private_key_file);
    if (!text.ok()) return Fail(text.status().message());
    Status s = SetSendTestSecret(text.value(), &o);
    if (!s.ok()) return Fail(*c.private_key_file + ": " + s.message());
  }
  if (c.token_file) {
    StatusOr<std::string> text = ReadAll(*c.token_file);
    if (!text.ok()) return Fail(text.status().message());
    std::string token = text.value();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    if (token.empty()) return Fail(*c.token_file + " holds no validation key");
    o.token = token;
  }
  if (c.secret_file) {
    StatusOr<std::string> text = ReadAll(*c.secret_file);
    if (!text.ok()) return Fail(text.status().message());
    std::string secret = text.value();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) return Fail(*c.secret_file + " holds no secret");
    if (o.scheme.kind == SchemeKind::kTelnyx) {
      return Fail("the telnyx scheme signs with a private key: give --private-key-file");
    }
    Status s = SetSendTestSecret(secret, &o);
    if (!s.ok()) return Fail(*c.secret_file + ": " + s.message());
  }
  o.now = SystemClock().NowMillis() / 1000;
  o.nonce = RandomHex(8);
  o.dlr_id = c.test_id.empty() ? "dlrctl-send-test-" + FormatUtcCompact(SystemClock().NowMillis()) +
                                     "-" + RandomHex(4)
                               : c.test_id;
  o.challenge = "dlrctl-" + RandomHex(8);
  std::printf("send-test %s\n", c.url.c_str());
  std::fflush(stdout);
  Status s = RunSendTest(o, CurlTransport(c.timeout_seconds), [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  if (!s.ok()) return Fail("send-test failed: " + s.message());
  std::printf("send-test: every check passed\n");
  return 0;
}

int Purge(const CtlCommand& c) {
  StatusOr<Opened> o = Open(c);
  if (!o.ok()) return Fail(o.status().message());
  Progress progress("purge", false);
  StatusOr<PurgeCounts> counts = o.value().reader().PurgeBefore(
      c.before, c.batch_size, c.dry_run, [&progress](const PurgeCounts& so_far) {
        progress.Update(so_far.events + so_far.messages + so_far.rejected);
      });
  progress.Done();
  if (!counts.ok()) return Fail("purge stopped: " + counts.status().message());
  const PurgeCounts& n = counts.value();
  std::printf("%s before %s: %lld events, %lld refused requests, %lld messages\n",
              c.dry_run ? "would delete" : "deleted", c.before.c_str(),
              static_cast<long long>(n.events), static_cast<long long>(n.rejected),
              static_cast<long long>(n.messages));
  return 0;
}

// The function that runs each command of CtlCommands(), by name.
using RunFn = int (*)(const CtlCommand&);
const std::map<std::string, RunFn>& Runners() {
  static const std::map<std::string, RunFn> runners = {
      {"init", Init},         {"check-config", CheckConfig}, {"export", Export}, {"stats", Stats},
      {"rejected", Rejected}, {"send-test", SendTest},       {"purge", Purge},
  };
  return runners;
}

// Every command of the table has its run function, and every run function
// its command: else the name at fault.
std::optional<std::string> UnboundCommand() {
  for (const CtlCommandSpec& spec : CtlCommands()) {
    if (!Runners().count(spec.name)) return std::string(spec.name);
  }
  for (const auto& runner : Runners()) {
    bool listed = false;
    for (const CtlCommandSpec& spec : CtlCommands()) listed = listed || runner.first == spec.name;
    if (!listed) return runner.first;
  }
  return std::nullopt;
}

int Main(int argc, char** argv) {
  if (std::optional<std::string> unbound = UnboundCommand()) {
    return Fail("the command " + *unbound +
                " has no run function or no entry in the command table");
  }
  umask(027);  // the database and its WAL files: owner and group only
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command;
  StatusOr<CtlCommand> parsed = ParseCtlArgs(args, SystemClock().NowMillis(), &command);
  if (!parsed.ok()) {
    std::fprintf(stderr, "dlrctl: %s\n\n%s", parsed.status().message().c_str(),
                 CtlUsage(command).c_str());
    return 2;
  }
  const CtlCommand& c = parsed.value();
  if (c.name == "help") {
    std::fputs(CtlUsage("").c_str(), stdout);
    return 0;
  }
  if (c.name == "version") {
    std::puts("dlrctl " DLR_WEBHOOK_VERSION);
    return 0;
  }
  if (c.help) {
    std::fputs(CtlUsage(c.name).c_str(), stdout);
    return 0;
  }
  return Runners().at(c.name)(c);
}

}  // namespace
}  // namespace dlr

int main(int argc, char** argv) { return dlr::Main(argc, argv); }
