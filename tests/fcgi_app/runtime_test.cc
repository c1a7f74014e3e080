// The responder's Runtime (fcgi_app/runtime.h) on real SQLite files in a
// temporary directory: a generation built from a config file, and what a
// reload keeps, replaces or refuses.
#define BOOST_TEST_DYN_LINK
#include "fcgi_app/runtime.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <memory>
#include <string>

#include "common/store/factory/open_store.h"
#include "common/store/group_commit.h"
#include "common/store/store.h"
#include "tests/testing/temp_dir.h"

namespace dlr {
namespace {

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  BOOST_TEST_REQUIRE(f.good(), "cannot write " << path);
}

// A config file in a temporary directory, rewritten by each test as it likes.
struct ConfigFile {
  test::TempDir dir{"runtime"};
  std::string path = dir.File("config.json");

  // A valid config on `database` (relative: next to the config file), with
  // metrics (their file defaults to "<database>.metrics") and errors alone
  // logged, as the unit tests do.
  void Write(const std::string& database, const std::string& extra = "") {
    WriteFile(path, R"({"database": ")" + database + "\", " + extra +
                        R"("log": {"level": "error"}, "metrics": {"path": "/metrics",
                           "loopback_without_password": true},
                           "webhooks": [{"name": "sms", "path": "/receive/callback",
                                         "secrets": ["s3cret"]}]})");
  }

  // Loads a config on dlr.sqlite into `rt`, as at start; its generation.
  std::shared_ptr<const Generation> LoadAtStart(Runtime& rt) {
    Write("dlr.sqlite");
    Status s = rt.Load(path, /*at_start=*/true);
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    return rt.current();
  }
};

// The schema version the reader of `g` finds.
int PingThroughReader(const Generation& g) {
  int version = -1;
  Status s = g.reader->With([&version](StoreReader& store) {
    StatusOr<int> v = store.Ping();
    if (!v.ok()) return v.status();
    version = v.value();
    return Status::Ok();
  });
  BOOST_TEST(s.ok(), s.ToString());
  return version;
}

BOOST_FIXTURE_TEST_SUITE(runtime, ConfigFile)

BOOST_AUTO_TEST_CASE(nothing_is_loaded_before_load) {
  Runtime rt;
  BOOST_TEST(!rt.loaded());
  BOOST_TEST(!rt.current());
  Status s = rt.WithReader([](StoreReader&) { return Status::Ok(); });
  BOOST_TEST((s.code() == StatusCode::kUnavailable));
  // A reload before any load has nothing to read again.
  BOOST_TEST(rt.Reload().ok());
  BOOST_TEST(!rt.current());
}

BOOST_AUTO_TEST_CASE(load_builds_a_generation_from_the_config_file) {
  Write("dlr.sqlite", R"("max_body_bytes": 2048, )");
  Runtime rt;
  Status s = rt.Load(path, /*at_start=*/true);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  BOOST_TEST(rt.loaded());
  std::shared_ptr<const Generation> g = rt.current();
  BOOST_TEST_REQUIRE(g);
  BOOST_TEST(g->config.source == path);
  BOOST_TEST(g->config.database == dir.File("dlr.sqlite"));
  BOOST_TEST(g->config.max_body_bytes == 2048u);
  BOOST_TEST_REQUIRE(g->store);
  BOOST_TEST_REQUIRE(g->reader);
  // One request thread: the backend itself, no group commit.
  BOOST_TEST(!std::dynamic_pointer_cast<GroupCommitStore>(g->store));
  // SQLite's default metrics file, next to the database.
  BOOST_TEST_REQUIRE(g->metrics);
  BOOST_TEST(g->metrics->file() == dir.File("dlr.sqlite.metrics"));
  // Loaded at start: the schema was created before any request.
  BOOST_TEST(PingThroughReader(*g) == kSchemaVersion);
  int version = -1;
  BOOST_TEST(rt.WithReader([&version](StoreReader& store) {
                 StatusOr<int> v = store.Ping();
                 version = v.ok() ? v.value() : -1;
                 return Status::Ok();
               }).ok());
  BOOST_TEST(version == kSchemaVersion);
}

BOOST_AUTO_TEST_CASE(load_happens_once) {
  Write("dlr.sqlite");
  Runtime rt;
  BOOST_TEST_REQUIRE(rt.Load(path).ok());
  std::shared_ptr<const Generation> g = rt.current();
  Write("other.sqlite");
  BOOST_TEST(rt.Load(path).ok());
  BOOST_TEST(rt.current() == g);
}

BOOST_AUTO_TEST_CASE(a_failed_load_leaves_nothing_loaded) {
  Runtime rt;
  Status s = rt.Load(dir.File("missing.json"));
  BOOST_TEST(!s.ok());
  BOOST_TEST(!rt.loaded());
  BOOST_TEST(!rt.current());
  // The next request tries again.
  Write("dlr.sqlite");
  BOOST_TEST(rt.Load(path).ok());
  BOOST_TEST(rt.loaded());
}

BOOST_AUTO_TEST_CASE(group_commit_with_more_than_one_thread) {
  Runtime rt(/*threads=*/4);
  BOOST_TEST(std::dynamic_pointer_cast<GroupCommitStore>(LoadAtStart(rt)->store));
}

BOOST_AUTO_TEST_CASE(a_schema_newer_than_this_program_refuses_to_start) {
  {
    StatusOr<std::unique_ptr<Store>> store = OpenStore(dir.File("dlr.sqlite"), StoreOptions());
    BOOST_TEST_REQUIRE(store.ok(), store.status().ToString());
    BOOST_TEST_REQUIRE(store.value()->EnsureSchema().ok());
    BOOST_TEST_REQUIRE(
        store.value()
            ->Execute("PRAGMA user_version=" + std::to_string(kSchemaVersion + 1), {})
            .ok());
  }
  Write("dlr.sqlite");
  Runtime rt;
  Status s = rt.Load(path, /*at_start=*/true);
  BOOST_TEST((s.code() == StatusCode::kInternal));
  BOOST_TEST(s.message().find("not starting") != std::string::npos, s.message());
  BOOST_TEST(!rt.loaded());
}

BOOST_AUTO_TEST_CASE(reload_with_the_same_database_reuses_the_stores) {
  Runtime rt;
  std::shared_ptr<const Generation> before = LoadAtStart(rt);
  Write("dlr.sqlite", R"("max_body_bytes": 4096, )");
  Status s = rt.Reload();
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  std::shared_ptr<const Generation> after = rt.current();
  BOOST_TEST(after != before);
  BOOST_TEST(after->config.max_body_bytes == 4096u);
  BOOST_TEST(before->config.max_body_bytes == kDefaultMaxBodyBytes);  // never changed
  BOOST_TEST(after->store == before->store);
  BOOST_TEST(after->reader == before->reader);
  BOOST_TEST(after->metrics == before->metrics);
}

BOOST_AUTO_TEST_CASE(reload_with_another_database_opens_new_stores) {
  Runtime rt;
  std::shared_ptr<const Generation> before = LoadAtStart(rt);
  Write("other.sqlite");
  Status s = rt.Reload();
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  std::shared_ptr<const Generation> after = rt.current();
  BOOST_TEST(after->config.database == dir.File("other.sqlite"));
  BOOST_TEST(after->store != before->store);
  BOOST_TEST(after->reader != before->reader);
  BOOST_TEST(after->metrics != before->metrics);
  BOOST_TEST(after->metrics->file() == dir.File("other.sqlite.metrics"));
  // The new database got its schema; a request still holding the old
  // generation keeps working on the old one.
  BOOST_TEST(PingThroughReader(*after) == kSchemaVersion);
  BOOST_TEST(PingThroughReader(*before) == kSchemaVersion);
}

BOOST_AUTO_TEST_CASE(reload_with_another_busy_timeout_opens_new_stores) {
  Write("dlr.sqlite");
  Runtime rt;
  BOOST_TEST_REQUIRE(rt.Load(path).ok());
  std::shared_ptr<const Generation> before = rt.current();
  Write("dlr.sqlite", R"("busy_timeout_ms": 100, )");
  BOOST_TEST_REQUIRE(rt.Reload().ok());
  std::shared_ptr<const Generation> after = rt.current();
  BOOST_TEST(after->store != before->store);
  BOOST_TEST(after->reader != before->reader);
  // Same metrics file: the counters are kept.
  BOOST_TEST(after->metrics == before->metrics);
}

BOOST_AUTO_TEST_CASE(an_invalid_config_keeps_the_old_generation) {
  Runtime rt;
  std::shared_ptr<const Generation> before = LoadAtStart(rt);
  WriteFile(path, R"({"database": "other.sqlite", "bogus_option": true,
                      "webhooks": [{"name": "sms"}]})");
  Status s = rt.Reload();
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message().find("bogus_option") != std::string::npos, s.message());
  BOOST_TEST(rt.current() == before);
  BOOST_TEST(rt.loaded());
  // The same after the file went away.
  std::remove(path.c_str());
  BOOST_TEST(!rt.Reload().ok());
  BOOST_TEST(rt.current() == before);
}

BOOST_AUTO_TEST_CASE(a_log_file_that_cannot_be_opened_keeps_the_old_generation) {
  Runtime rt;
  std::shared_ptr<const Generation> before = LoadAtStart(rt);
  WriteFile(path, R"({"database": "other.sqlite",
                      "log": {"level": "error", "destination": "file", "file": ")" +
                      dir.File("no/such/folder/dlr.log") + R"("},
                      "webhooks": [{"name": "sms"}]})");
  Status s = rt.Reload();
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message().find("invalid config " + path + ": log.file") != std::string::npos,
             s.message());
  BOOST_TEST(rt.current() == before);
}

// A request for a path the web server would have normalised is refused
// before any route: /metrics/../receive/callback is neither the metrics nor
// the webhook, and nothing reads its body.
BOOST_AUTO_TEST_CASE(a_path_with_dot_or_empty_segments_is_400_before_any_route) {
  Runtime rt;
  std::shared_ptr<const Generation> g = LoadAtStart(rt);
  for (const char* p : {"/metrics/../receive/callback", "/receive/callback/..",
                        "/receive/./callback", "//receive/callback", "/metrics/."}) {
    BOOST_TEST_CONTEXT(p) {
      Request req;
      req.method = "GET";
      req.path = p;
      req.remote_addr = "127.0.0.1";
      req.authorization = "Bearer s3cret";
      Response r = Respond(*g, req);
      BOOST_TEST(r.status == 400);
      BOOST_TEST(r.body.find("bad_request") != std::string::npos, r.body);
      bool body_read = true;
      r = RespondReadingBody(
          *g, req, [](Request*) {}, &body_read);
      BOOST_TEST(r.status == 400);
      BOOST_TEST(!body_read);
    }
  }
}

// The body is read only for a request that passes route, method and bearer.
BOOST_AUTO_TEST_CASE(the_body_is_read_only_when_the_head_is_accepted) {
  Runtime rt;
  std::shared_ptr<const Generation> g = LoadAtStart(rt);
  struct Case {
    const char* method;
    const char* path;
    const char* authorization;
    int status;
    bool read;
  } cases[] = {
      {"POST", "/receive/callback", "", 401, false},
      {"POST", "/receive/callback", "Bearer wrong", 401, false},
      {"POST", "/elsewhere", "Bearer s3cret", 404, false},
      {"DELETE", "/receive/callback", "Bearer s3cret", 405, false},
      {"GET", "/metrics", "", 200, false},
      {"POST", "/receive/callback", "Bearer s3cret", 200, true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path << " [" << c.authorization << "]") {
      Request req;
      req.method = c.method;
      req.path = c.path;
      req.remote_addr = "127.0.0.1";
      req.authorization = c.authorization;
      req.content_type = "application/json";
      bool body_read = false;
      Response r = RespondReadingBody(
          *g, req, [](Request* q) { q->body = R"({"id": "rt-1", "status": "DELIVRD"})"; },
          &body_read);
      BOOST_TEST(r.status == c.status, r.body);
      BOOST_TEST(body_read == c.read);
    }
  }
}

BOOST_AUTO_TEST_CASE(listen_elsewhere_than_loopback_without_web_server_addrs_is_warned_about) {
  for (const char* quiet :
       {"/run/dlr.sock", "127.0.0.1:9000", "127.0.0.2:9000", "[::1]:9000", "localhost:9000"}) {
    BOOST_TEST(ListenWarning(quiet, nullptr).empty(), quiet);
  }
  for (const char* loud : {"0.0.0.0:9000", "192.0.2.1:9000", "[::]:9000", "example.com:9000"}) {
    BOOST_TEST_CONTEXT(loud) {
      std::string w = ListenWarning(loud, nullptr);
      BOOST_TEST(w.find("FCGI_WEB_SERVER_ADDRS") != std::string::npos, w);
      BOOST_TEST(ListenWarning(loud, "").find("not a loopback") != std::string::npos);
      BOOST_TEST(ListenWarning(loud, "192.0.2.7").empty());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
