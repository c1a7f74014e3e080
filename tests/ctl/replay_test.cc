#define BOOST_TEST_DYN_LINK
#include "common/ctl/replay.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/base/time.h"
#include "common/webhook/handler.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

constexpr char kConfig[] = R"({"database": "unused.sqlite", "max_body_bytes": 64, "webhooks": [
    {"name": "sms", "path": "/receive/callback", "secrets": ["s1", "s2"]},
    {"name": "open", "path": "/open"}]})";

Config TheConfig() {
  StatusOr<Config> c = ParseConfig(kConfig, "");
  BOOST_TEST_REQUIRE(c.ok());
  return c.value();
}

RejectedRow Refused(const std::string& raw, const std::string& method,
                    std::optional<std::string> query, const std::string& webhook = "sms") {
  RejectedRow row;
  row.seq = 5;
  row.rejected.webhook = webhook;
  row.rejected.content_type = "application/json";
  row.rejected.raw = raw;
  row.rejected.method = method;
  row.rejected.query = std::move(query);
  row.rejected.remote_addr = "203.0.113.7";
  return row;
}

Request MustBuild(const RejectedRow& row, std::optional<std::string> body = std::nullopt,
                  std::optional<std::string> content_type = std::nullopt) {
  StatusOr<Request> r = ReplayRequest(row, TheConfig(), body, content_type);
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  return r.value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ReplayTest)

BOOST_AUTO_TEST_CASE(ABodyGoesBackAsItCame) {
  Request r = MustBuild(Refused("{\"id\":", "PUT", std::string("campaign=7")));
  BOOST_TEST(r.method == "PUT");
  BOOST_TEST(r.path == "/receive/callback");
  BOOST_TEST(r.query == "campaign=7");
  BOOST_TEST(r.body == "{\"id\":");
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.authorization == "Bearer s1");
  BOOST_TEST(r.remote_addr == "dlrctl replay of 5");
  BOOST_TEST((r.body_state == BodyState::kComplete));
}

BOOST_AUTO_TEST_CASE(AQueryOnlyRequestGoesBackAsAQuery) {
  // No body: raw is the query string, and `query` is NULL.
  Request r = MustBuild(Refused("id=a&status=", "GET", std::nullopt));
  BOOST_TEST(r.method == "GET");
  BOOST_TEST(r.query == "id=a&status=");
  BOOST_TEST(r.body.empty());
}

BOOST_AUTO_TEST_CASE(ARepairedBodyReplacesTheStoredOne) {
  Request r = MustBuild(Refused("{\"id\":", "POST", std::string("")),
                        std::string("{\"id\":\"a\",\"status\":\"DELIVRD\"}"), std::nullopt);
  BOOST_TEST(r.body == "{\"id\":\"a\",\"status\":\"DELIVRD\"}");
  BOOST_TEST(r.content_type == "application/json");
  r = MustBuild(Refused("id=a&status=", "GET", std::nullopt), std::string("id=a&status=DELIVRD"),
                std::string("application/x-www-form-urlencoded"));
  BOOST_TEST(r.method == "POST");  // a GET that carried no body
  BOOST_TEST(r.query.empty());     // the broken query was the data; the body replaces it
  BOOST_TEST(r.content_type == "application/x-www-form-urlencoded");
}

BOOST_AUTO_TEST_CASE(RowsOlderThanSchema2AreBodies) {
  Request r = MustBuild(Refused("{\"id\":", "", std::nullopt));
  BOOST_TEST(r.method == "POST");
  BOOST_TEST(r.body == "{\"id\":");
  BOOST_TEST(r.query.empty());
}

BOOST_AUTO_TEST_CASE(WebhooksWithoutSecretOrPath) {
  StatusOr<Config> c =
      ParseConfig(R"({"database": "x.sqlite", "webhooks": [{"name": "only", "secrets": []}]})", "");
  BOOST_TEST_REQUIRE(c.ok());
  StatusOr<Request> r = ReplayRequest(Refused("{}", "POST", std::string(""), "only"), c.value(),
                                      std::nullopt, std::nullopt);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.value().path == "/");
  BOOST_TEST(r.value().authorization.empty());
}

BOOST_AUTO_TEST_CASE(AWebhookNoLongerConfiguredIsNotFound) {
  StatusOr<Request> r =
      ReplayRequest(Refused("{}", "POST", std::string(""), "gone"), TheConfig(), std::nullopt, {});
  BOOST_TEST(r.status().code() == StatusCode::kNotFound);
  BOOST_TEST(r.status().message().find("webhook \"gone\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ABodyOverTheLimitIsTooLarge) {
  Request r = MustBuild(Refused("{}", "POST", std::string("")), std::string(65, 'x'));
  BOOST_TEST((r.body_state == BodyState::kTooLarge));
}

BOOST_AUTO_TEST_CASE(AReplayThroughTheHandlerStoresAndKeepsNoNewRefusal) {
  test::MemoryStore memory;
  ReplayStore replay(&memory);
  Config config = TheConfig();
  Response bad = HandleRequest(MustBuild(Refused("{\"id\":", "POST", std::string(""))), config,
                               replay, SystemClock());
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(memory.rejected().empty());  // refused again: no second row
  Response good = HandleRequest(MustBuild(Refused("{\"id\":", "POST", std::string("")),
                                          std::string("{\"id\":\"a\",\"status\":\"DELIVRD\"}")),
                                config, replay, SystemClock());
  BOOST_TEST(good.status == 200);
  BOOST_TEST(good.body == "{\"ok\":true,\"stored\":1,\"duplicates\":0}");
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  BOOST_TEST(memory.events()[0].webhook == "sms");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
