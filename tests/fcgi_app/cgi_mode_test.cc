// CGI mode (fcgi_app/cgi_mode.h): one request from a map of meta-variables
// and a body file, the answer read back from another file, on a real SQLite
// database in a temporary directory.
#define BOOST_TEST_DYN_LINK
#include "fcgi_app/cgi_mode.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/store/factory/open_store.h"
#include "common/store/store.h"
#include "tests/testing/temp_dir.h"

namespace dlr {
namespace {

constexpr char kSecret[] = "1233XXX";
constexpr char kKey[] = "9012XX";
constexpr char kPath[] = "/receive/callback";
constexpr char kDlr[] = R"({"id": "cgi-1", "status": "DELIVRD"})";
constexpr size_t kMaxBody = 1024;

using Env = std::map<std::string, std::string>;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  BOOST_TEST_REQUIRE(f.good(), "cannot write " << path);
}

std::string ReadFd(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// One answer as the web server reads it.
struct Answer {
  int rc = -1;
  int status = 0;       // from the Status header
  std::string head;     // every header line, CRLF-separated
  std::string body;     // after the empty line
  off_t body_read = 0;  // where the input was left
};

void Parse(const std::string& out, Answer* a) {
  size_t end = out.find("\r\n\r\n");
  BOOST_TEST_REQUIRE(end != std::string::npos, "no end of head in: " << out);
  a->head = out.substr(0, end + 2);
  a->body = out.substr(end + 4);
  BOOST_TEST_REQUIRE(out.rfind("Status: ", 0) == 0, out);
  a->status = std::stoi(out.substr(8, 3));
}

// A config, its database (schema created, as `dlrctl init` would) and a
// request environment of a POST to kPath, authorized unless told otherwise.
struct CgiFixture {
  test::TempDir dir{"cgi_mode"};
  std::string config = dir.File("config.json");
  std::string database = dir.File("dlr.sqlite");
  Env env = {{"REQUEST_METHOD", "POST"},
             {"REQUEST_URI", kPath},
             {"SERVER_PROTOCOL", "HTTP/1.1"},
             {"GATEWAY_INTERFACE", "CGI/1.1"},
             {"REMOTE_ADDR", "127.0.0.1"},
             {"CONTENT_TYPE", "application/json"},
             {"HTTP_AUTHORIZATION", std::string("Bearer ") + kSecret}};

  CgiFixture() {
    WriteFile(config,
              R"({"database": "dlr.sqlite", "log": {"level": "error"}, "max_body_bytes": )" +
                  std::to_string(kMaxBody) + R"(, "webhooks": [{"name": "sms", "path": ")" + kPath +
                  R"(", "validation_key": ")" + kKey + R"(", "secrets": [")" + kSecret +
                  R"("]}]})");
    StatusOr<std::unique_ptr<Store>> store = OpenStore(database, StoreOptions());
    BOOST_TEST_REQUIRE(store.ok(), store.status().ToString());
    BOOST_TEST_REQUIRE(store.value()->EnsureSchema().ok());
  }

  CgiStreams Streams(int in, int out) const {
    CgiStreams io;
    io.param = [this](const char* name) -> const char* {
      auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    };
    io.in = in;
    io.out = out;
    return io;
  }

  // Runs one request whose input holds `input`, with CONTENT_LENGTH as
  // `env` has it, and the config at `config_path`.
  Answer Run(const std::string& input, const std::string& config_path) {
    std::string in_path = dir.File("in");
    std::string out_path = dir.File("out");
    WriteFile(in_path, input);
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    BOOST_TEST_REQUIRE(in >= 0);
    BOOST_TEST_REQUIRE(out >= 0);
    Answer a;
    a.rc = RunCgi(config_path, Streams(in, out));
    a.body_read = lseek(in, 0, SEEK_CUR);
    close(in);
    close(out);
    int back = open(out_path.c_str(), O_RDONLY);
    BOOST_TEST_REQUIRE(back >= 0);
    std::string text = ReadFd(back);
    close(back);
    Parse(text, &a);
    return a;
  }
  Answer Run(const std::string& body) {
    env["CONTENT_LENGTH"] = std::to_string(body.size());
    return Run(body, config);
  }

  // How many DLRs the database holds.
  int64_t Events() {
    StatusOr<std::unique_ptr<Store>> store = OpenStore(database, StoreOptions());
    BOOST_TEST_REQUIRE(store.ok());
    StatusOr<std::vector<Row>> rows = store.value()->Query("SELECT count(*) FROM dlr_events", {});
    BOOST_TEST_REQUIRE(rows.ok(), rows.status().ToString());
    return std::stoll(*rows.value().at(0).at(0));
  }
};

BOOST_FIXTURE_TEST_SUITE(cgi_mode, CgiFixture)

BOOST_AUTO_TEST_CASE(handshake) {
  env["REQUEST_URI"] = std::string(kPath) + "?token=" + kKey;
  env["QUERY_STRING"] = std::string("token=") + kKey;
  Answer a = Run(R"({"validation_key": "9012XXXX", "challenge": "a234qwe"})");
  BOOST_TEST(a.rc == 0);
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.body.find(R"("challenge":"a234qwe")") != std::string::npos, a.body);
  BOOST_TEST(a.body.find(std::string(R"("validation_key":")") + kKey + "\"") != std::string::npos,
             a.body);
  BOOST_TEST(a.head.find("Content-Length: " + std::to_string(a.body.size()) + "\r\n") !=
             std::string::npos);
  BOOST_TEST(Events() == 0);
}

BOOST_AUTO_TEST_CASE(a_dlr_is_stored) {
  Answer a = Run(kDlr);
  BOOST_TEST(a.rc == 0);
  BOOST_TEST(a.status == 200, a.body);
  BOOST_TEST(a.body.find(R"("stored":1)") != std::string::npos, a.body);
  BOOST_TEST(a.head.find("Content-Type: application/json\r\n") != std::string::npos, a.head);
  BOOST_TEST(a.body_read == static_cast<off_t>(sizeof kDlr - 1));
  StatusOr<std::unique_ptr<Store>> store = OpenStore(database, StoreOptions());
  BOOST_TEST_REQUIRE(store.ok());
  StatusOr<std::vector<Row>> rows =
      store.value()->Query("SELECT id, status, webhook, raw FROM dlr_events", {});
  BOOST_TEST_REQUIRE(rows.ok(), rows.status().ToString());
  BOOST_TEST_REQUIRE(rows.value().size() == 1u);
  const Row& row = rows.value()[0];
  BOOST_TEST(*row.at(0) == "cgi-1");
  BOOST_TEST(*row.at(1) == "DELIVRD");
  BOOST_TEST(*row.at(2) == "sms");
  BOOST_TEST(*row.at(3) == kDlr);
}

BOOST_AUTO_TEST_CASE(no_bearer_is_401) {
  env.erase("HTTP_AUTHORIZATION");
  Answer a = Run(kDlr);
  BOOST_TEST(a.rc == 0);
  BOOST_TEST(a.status == 401);
  BOOST_TEST(a.head.find("WWW-Authenticate: Bearer") != std::string::npos, a.head);
  BOOST_TEST(a.body.find("unauthorized") != std::string::npos, a.body);
  BOOST_TEST(Events() == 0);
}

// The answer is written while the body has not even been sent; what is then
// sent is read and thrown away, up to CONTENT_LENGTH.
BOOST_AUTO_TEST_CASE(too_large_by_content_length_is_413_before_reading) {
  const size_t length = kMaxBody + 1;
  env["CONTENT_LENGTH"] = std::to_string(length);
  int in[2], out[2];
  BOOST_TEST_REQUIRE(pipe(in) == 0);
  BOOST_TEST_REQUIRE(pipe(out) == 0);
  int rc = -1;
  std::thread request([&] {
    rc = RunCgi(config, Streams(in[0], out[1]));
    close(out[1]);
  });
  pollfd answered = {out[0], POLLIN, 0};
  int ready = poll(&answered, 1, 10000);
  BOOST_TEST(ready == 1);               // answered with nothing on its input yet
  std::string body(length + 100, 'x');  // more than announced: the rest is not read
  ssize_t sent = write(in[1], body.data(), body.size());
  BOOST_TEST(sent == static_cast<ssize_t>(body.size()));
  request.join();
  Answer a;
  Parse(ReadFd(out[0]), &a);
  BOOST_TEST(rc == 0);
  BOOST_TEST(a.status == 413);
  BOOST_TEST(a.body.find("too_large") != std::string::npos, a.body);
  // Exactly CONTENT_LENGTH bytes were drained.
  close(in[1]);
  BOOST_TEST(ReadFd(in[0]).size() == 100u);
  close(in[0]);
  close(out[0]);
  BOOST_TEST(Events() == 0);
}

// Runs RunCgi on a pipe whose writing end the test keeps; `rc` is set when
// it returns. Ends the wait (closing the pipe) if it has not after `limit_ms`.
struct PipedRun {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  std::atomic<int> rc{-1};
  std::atomic<bool> done{false};
  std::thread thread;

  PipedRun(const CgiFixture& f) {
    BOOST_TEST_REQUIRE(pipe(in) == 0);
    BOOST_TEST_REQUIRE(pipe(out) == 0);
    thread = std::thread([this, &f] {
      rc = RunCgi(f.config, f.Streams(in[0], out[1]));
      close(out[1]);
      done = true;
    });
  }
  // True when the answer's first bytes arrived within `ms`.
  bool AnsweredWithin(int ms) {
    pollfd answered = {out[0], POLLIN, 0};
    return poll(&answered, 1, ms) == 1;
  }
  // True when RunCgi returned within `ms`; else its input is closed so that it does.
  bool ReturnedWithin(int ms) {
    for (int i = 0; i < ms / 10 && !done; ++i) std::this_thread::sleep_for(kTick);
    bool in_time = done;
    if (!in_time) close(in[1]), in[1] = -1;
    thread.join();
    return in_time;
  }
  ~PipedRun() {
    if (thread.joinable()) thread.join();
    for (int fd : {in[0], in[1], out[0]}) {
      if (fd >= 0) close(fd);
    }
  }
  static constexpr std::chrono::milliseconds kTick{10};
};

// A request without the bearer is answered before its body is read (none
// has been sent yet); what is then sent is drained, up to CONTENT_LENGTH.
BOOST_AUTO_TEST_CASE(no_bearer_is_answered_before_the_body_is_read) {
  env.erase("HTTP_AUTHORIZATION");
  env["CONTENT_LENGTH"] = std::to_string(sizeof kDlr - 1);
  PipedRun run(*this);
  BOOST_TEST_REQUIRE(run.AnsweredWithin(5000));
  std::string body = std::string(kDlr) + "rest";
  BOOST_TEST(write(run.in[1], body.data(), body.size()) == static_cast<ssize_t>(body.size()));
  BOOST_TEST(run.ReturnedWithin(5000));
  Answer a;
  Parse(ReadFd(run.out[0]), &a);
  BOOST_TEST(a.status == 401);
  close(run.in[1]);
  run.in[1] = -1;
  BOOST_TEST(ReadFd(run.in[0]) == "rest");
  BOOST_TEST(Events() == 0);
}

// The same for a path no webhook answers and a method not allowed.
BOOST_AUTO_TEST_CASE(not_found_and_bad_method_are_answered_before_the_body) {
  const Env head = env;
  for (const char* which : {"path", "method"}) {
    BOOST_TEST_CONTEXT(which) {
      env = head;
      if (std::string(which) == "path") env["REQUEST_URI"] = "/elsewhere";
      if (std::string(which) == "method") env["REQUEST_METHOD"] = "DELETE";
      env["CONTENT_LENGTH"] = "10";
      PipedRun run(*this);
      BOOST_TEST(run.AnsweredWithin(5000));
      BOOST_TEST(write(run.in[1], "0123456789", 10) == 10);
      BOOST_TEST(run.ReturnedWithin(5000));
      Answer a;
      Parse(ReadFd(run.out[0]), &a);
      BOOST_TEST(a.status == (std::string(which) == "path" ? 404 : 405));
    }
  }
}

// A body refused as too large that never comes does not keep the process:
// the drain gives up after 2 s (it once waited for ever).
BOOST_AUTO_TEST_CASE(a_refused_body_never_sent_is_waited_for_2_seconds) {
  env["CONTENT_LENGTH"] = std::to_string(kMaxBody + 1);
  const auto started = std::chrono::steady_clock::now();
  PipedRun run(*this);
  BOOST_TEST_REQUIRE(run.AnsweredWithin(5000));
  BOOST_TEST(run.ReturnedWithin(6000));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  BOOST_TEST(ms >= 1900);
  BOOST_TEST(ms < 4000);
  BOOST_TEST(run.rc == 0);
  Answer a;
  Parse(ReadFd(run.out[0]), &a);
  BOOST_TEST(a.status == 413);
}

// RFC 3875: no CONTENT_LENGTH, no body; an empty POST is answered as a probe.
BOOST_AUTO_TEST_CASE(nothing_is_read_without_content_length) {
  env.erase("CONTENT_LENGTH");
  Answer a = Run(kDlr, config);
  BOOST_TEST(a.rc == 0);
  BOOST_TEST(a.body_read == 0);
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.body == R"({"ok":true})");
  BOOST_TEST(Events() == 0);
}

BOOST_AUTO_TEST_CASE(an_invalid_config_is_500) {
  WriteFile(config, R"({"database": "dlr.sqlite", "bogus_option": true,
                        "webhooks": [{"name": "sms", "secrets": ["TopSecretValue42"]}]})");
  Answer a = Run(kDlr);
  BOOST_TEST(a.rc == 0);
  BOOST_TEST(a.status == 500);
  BOOST_TEST(a.body.find("not configured correctly") != std::string::npos, a.body);
  BOOST_TEST(a.body.find("TopSecretValue42") == std::string::npos, a.body);
  BOOST_TEST(a.body.find("bogus_option") == std::string::npos, a.body);
  // The body, refused unread, was drained once the answer was out.
  BOOST_TEST(a.body_read == static_cast<off_t>(sizeof kDlr - 1));
  BOOST_TEST(Events() == 0);
}

BOOST_AUTO_TEST_CASE(a_missing_config_is_500) {
  env["CONTENT_LENGTH"] = "0";
  Answer a = Run("", dir.File("missing.json"));
  BOOST_TEST(a.rc == 0);
  BOOST_TEST(a.status == 500);
}

BOOST_AUTO_TEST_CASE(an_answer_that_cannot_be_written_exits_1) {
  int in = open("/dev/null", O_RDONLY);
  BOOST_TEST_REQUIRE(in >= 0);
  env["CONTENT_LENGTH"] = "0";
  BOOST_TEST(RunCgi(config, Streams(in, in)) == 1);  // not open for writing
  close(in);
}

BOOST_AUTO_TEST_CASE(head_in_cgi_format) {
  Response r;
  r.status = 401;
  r.content_type = "application/json";
  r.headers = {{"WWW-Authenticate", "Bearer"}};
  r.body = "{}";
  BOOST_TEST(SerializeHeaders(r) ==
             "Status: 401 Unauthorized\r\nContent-Type: application/json\r\n"
             "WWW-Authenticate: Bearer\r\nContent-Length: 2\r\n\r\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
