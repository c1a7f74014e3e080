#define BOOST_TEST_DYN_LINK
#include "common/ops/operator_routes.h"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/base/log.h"
#include "common/store/database.h"
#include "common/store/reader.h"

namespace dlr {
namespace {

constexpr char kConfig[] = R"({
  "database": "d.sqlite",
  "webhooks": [{"name": "sms", "path": "/receive/callback"}],
  "metrics": {"path": "/dlr/metrics", "secrets": ["metrics-Secret"], "file": "/tmp/unused",
              "loopback_without_password": true},
  "health": {"path": "/dlr/health"}
})";

// A database whose Ping answers what the test says; it runs no statement.
class PingDatabase : public Database {
 public:
  StatusOr<int> Ping() override {
    ++pings;
    if (!ping_status.ok()) return ping_status;
    return 2;
  }
  StatusOr<SchemaReport> Migrate() override { return Status::Internal("not in this test"); }
  Status QueryEach(const std::string&, const std::vector<std::string>&,
                   const RowCallback&) override {
    return Status::Internal("not in this test");
  }
  StatusOr<int64_t> Execute(const std::string&, const std::vector<std::string>&) override {
    return Status::Internal("not in this test");
  }
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Status ping_status;
  int pings = 0;
};

struct Fixture {
  Config config = ParseConfig(kConfig, "").value();
  PingDatabase database;
  std::unique_ptr<Metrics> metrics = Metrics::InMemory();
  OperatorContext ctx;

  Fixture() {
    ctx.metrics = metrics.get();
    ctx.with_reader = [this](const std::function<Status(StoreReader&)>& use) {
      StoreReader reader(database);
      return use(reader);
    };
  }

  std::optional<Response> Get(const std::string& path, const std::string& remote = "127.0.0.1",
                              const std::string& auth = "", const std::string& method = "GET") {
    Request r;
    r.method = method;
    r.path = path;
    r.remote_addr = remote;
    r.authorization = auth;
    r.request_id = "rid-1";
    return HandleOperatorRequest(r, config, ctx);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(OperatorRoutesTest, Fixture)

BOOST_AUTO_TEST_CASE(OtherPathsAreLeftToTheWebhooks) {
  BOOST_TEST(!Get("/receive/callback").has_value());
  BOOST_TEST(!Get("/dlr").has_value());
  BOOST_TEST(!Get("/dlr/health/x").has_value());
  BOOST_TEST(database.pings == 0);
}

BOOST_AUTO_TEST_CASE(NothingIsRoutedWhenNotConfigured) {
  config.health.path.clear();
  config.metrics.path.clear();
  BOOST_TEST(!Get("/dlr/health").has_value());
  BOOST_TEST(!Get("/dlr/metrics").has_value());
  BOOST_TEST(!Get("").has_value());
}

BOOST_AUTO_TEST_CASE(HealthIs200WhenTheDatabaseAnswers) {
  std::optional<Response> r = Get("/dlr/health/");
  BOOST_TEST_REQUIRE(r.has_value());
  BOOST_TEST(r->status == 200);
  BOOST_TEST(r->body == R"({"ok":true,"schema_version":2})");
  BOOST_TEST(r->content_type == "application/json");
  BOOST_TEST(database.pings == 1);
}

BOOST_AUTO_TEST_CASE(HealthIs503WhenTheDatabaseDoesNot) {
  database.ping_status = Status::Unavailable("connection refused");
  std::optional<Response> r = Get("/dlr/health", "203.0.113.9");
  BOOST_TEST_REQUIRE(r.has_value());
  BOOST_TEST(r->status == 503);
  BOOST_TEST(r->Header("Retry-After") == "5");
  BOOST_TEST(r->body.find("connection refused") == std::string::npos);  // only in the log
  database.ping_status = Status::Ok();
  BOOST_TEST(Get("/dlr/health")->status == 200);
}

BOOST_AUTO_TEST_CASE(HealthIs503WhenNoReaderCanBeHad) {
  ctx.with_reader = [](const std::function<Status(StoreReader&)>&) {
    return Status::Unavailable("cannot open");
  };
  BOOST_TEST(Get("/dlr/health")->status == 503);
}

BOOST_AUTO_TEST_CASE(OperatorPathsAnswerGetAndHeadOnly) {
  BOOST_TEST(Get("/dlr/health", "127.0.0.1", "", "HEAD")->status == 200);
  BOOST_TEST(Get("/dlr/health", "127.0.0.1", "", "POST")->status == 405);
  BOOST_TEST(Get("/dlr/metrics", "127.0.0.1", "", "DELETE")->status == 405);
  BOOST_TEST(Get("/dlr/metrics", "127.0.0.1", "", "PUT")->Header("Allow") == "GET, HEAD");
}

BOOST_AUTO_TEST_CASE(MetricsAreAnsweredToLoopback) {
  metrics->CountAnswer(200);
  for (const char* remote : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
    std::optional<Response> r = Get("/dlr/metrics", remote);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == 200, remote);
    BOOST_TEST(r->content_type.rfind("text/plain; version=0.0.4", 0) == 0u);
    BOOST_TEST(r->body.find("dlr_webhook_requests_total{code=\"200\"} 1\n") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(MetricsElsewhereNeedTheSecret) {
  BOOST_TEST(Get("/dlr/metrics", "127.0.0.2")->status == 401);
  BOOST_TEST(Get("/dlr/metrics", "10.0.0.1")->Header("WWW-Authenticate") == "Bearer");
  BOOST_TEST(Get("/dlr/metrics", "10.0.0.1", "Bearer metrics-Secre")->status == 401);
  BOOST_TEST(Get("/dlr/metrics", "10.0.0.1", "Bearer metrics-Secret2")->status == 401);
  BOOST_TEST(Get("/dlr/metrics", "10.0.0.1", "Bearer metrics-Secret")->status == 200);
  BOOST_TEST(Get("/dlr/metrics", "", "bearer metrics-Secret")->status == 200);
  config.metrics.secrets.clear();
  BOOST_TEST(Get("/dlr/metrics", "10.0.0.1", "Bearer metrics-Secret")->status == 403);
  BOOST_TEST(Get("/dlr/metrics", "127.0.0.1")->status == 200);
}

// REMOTE_ADDR is whatever the FastCGI client says: loopback is trusted
// only when the config says so.
BOOST_AUTO_TEST_CASE(LoopbackNeedsTheSecretUnlessTheConfigSaysOtherwise) {
  config.metrics.loopback_without_password = false;
  for (const char* remote : {"127.0.0.1", "::1"}) {
    BOOST_TEST(Get("/dlr/metrics", remote)->status == 401, remote);
    BOOST_TEST(Get("/dlr/metrics", remote, "Bearer metrics-Secret")->status == 200, remote);
  }
}

// Five failed logins from one address within the window: 429 (even with the
// right secret) until the window has passed; other addresses are not slowed.
BOOST_AUTO_TEST_CASE(FailedLoginsAreSlowedPerAddress) {
  LoginThrottle throttle;
  ctx.throttle = &throttle;
  ctx.now_millis = 1000000;
  for (int i = 0; i < kMaxLoginFailures; ++i) {
    BOOST_TEST(Get("/dlr/metrics", "10.0.0.1", "Bearer wrong")->status == 401);
  }
  std::optional<Response> r = Get("/dlr/metrics", "10.0.0.1", "Bearer metrics-Secret");
  BOOST_TEST(r->status == 429);
  BOOST_TEST(r->Header("Retry-After") == "60");
  BOOST_TEST(r->body.find("too_many_requests") != std::string::npos, r->body);
  BOOST_TEST(Get("/dlr/metrics", "10.0.0.2", "Bearer metrics-Secret")->status == 200);
  ctx.now_millis += kLoginWindowMillis;
  BOOST_TEST(Get("/dlr/metrics", "10.0.0.1", "Bearer metrics-Secret")->status == 200);
}

BOOST_AUTO_TEST_CASE(MetricsWithoutCountersAre503) {
  ctx.metrics = nullptr;
  BOOST_TEST(Get("/dlr/metrics")->status == 503);
}

void CollectLine(void* lines, const std::string& line) {
  static_cast<std::vector<std::string>*>(lines)->push_back(line);
}
void DiscardLine(void*, const std::string&) {}

BOOST_AUTO_TEST_CASE(TheStatusPageIsRoutedThroughTheReaderAndRefusalsAreLogged) {
  config.dashboard = DashboardConfig{"/dlr/status", std::nullopt, std::string("page-Password-1")};
  std::vector<std::string> lines;
  SetLogLevel(LogLevel::kWarning);
  SetThreadLogWriter(&CollectLine, &lines);
  std::optional<Response> refused = Get("/dlr/status", "10.0.0.1");
  std::optional<Response> below = Get("/dlr/status/data.json", "10.0.0.1", "Bearer wrong");
  SetThreadLogWriter(&DiscardLine, nullptr);
  BOOST_TEST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->status == 401);
  BOOST_TEST_REQUIRE(below.has_value());
  BOOST_TEST(below->status == 401);
  BOOST_TEST_REQUIRE(lines.size() == 2u);
  for (const std::string& line : lines) {
    BOOST_TEST(line.find("status page without the dashboard password") != std::string::npos, line);
    BOOST_TEST(line.find("rid-1") != std::string::npos, line);
    BOOST_TEST(line.find("page-Password-1") == std::string::npos, line);
  }

  // With the password, the page is read through the reader; a reader that
  // cannot be had is a 503.
  ctx.with_reader = [](const std::function<Status(StoreReader&)>&) {
    return Status::Unavailable("cannot open");
  };
  SetThreadLogWriter(&CollectLine, &lines);
  std::optional<Response> down = Get("/dlr/status", "10.0.0.1", "Bearer page-Password-1");
  SetThreadLogWriter(&DiscardLine, nullptr);
  SetLogLevel(LogLevel::kError);  // as tests/test_main.cc left it
  BOOST_TEST_REQUIRE(down.has_value());
  BOOST_TEST(down->status == 503);
  BOOST_TEST(lines.size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
