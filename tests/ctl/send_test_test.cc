// RunSendTest against the real HandleRequest (an in-memory store): a right
// deployment passes every step; each kind of wrong one fails at its step.
#define BOOST_TEST_DYN_LINK
#include "common/ctl/send_test.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "common/base/time.h"
#include "common/webhook/config.h"
#include "common/webhook/handler.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

constexpr char kConfig[] = R"({"database": "unused.sqlite", "webhooks": [
    {"name": "sms", "path": "/cb", "validation_key": "9012XX", "secrets": ["right-secret"]},
    {"name": "open", "path": "/open", "validation_key": "open-key"}]})";

// The deployment: HandleRequest behind a URL http://test<path>?<query>.
struct Deployment {
  Deployment() {
    StatusOr<Config> c = ParseConfig(kConfig, "");
    BOOST_TEST_REQUIRE(c.ok());
    config = c.value();
  }
  HttpTransport Transport() {
    return [this](const HttpCall& call) -> StatusOr<HttpAnswer> {
      calls.push_back(call);
      if (down) return Status::Unavailable("Connection refused");
      std::string rest = call.url.substr(call.url.find('/', 8));
      Request r;
      r.method = call.method;
      size_t q = rest.find('?');
      r.path = rest.substr(0, q);
      r.query = q == std::string::npos ? "" : rest.substr(q + 1);
      r.content_type = call.content_type;
      r.authorization = call.authorization;
      r.body = call.body;
      Response resp = HandleRequest(r, config, store, SystemClock());
      return HttpAnswer{resp.status, resp.body};
    };
  }
  Config config;
  test::MemoryStore store;
  std::vector<HttpCall> calls;
  bool down = false;
};

SendTestOptions Options(const std::string& path = "/cb") {
  SendTestOptions o;
  o.url = "http://test" + path;
  o.token = "9012XX";
  o.secret = "right-secret";
  o.dlr_id = "dlrctl-send-test-1";
  o.challenge = "c-123";
  return o;
}

struct Run {
  Status status;
  std::vector<std::string> lines;
};

Run RunIt(Deployment& d, const SendTestOptions& o) {
  Run r;
  r.status = RunSendTest(o, d.Transport(), [&r](const std::string& l) { r.lines.push_back(l); });
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SendTestTest)

BOOST_AUTO_TEST_CASE(ARightDeploymentPassesEveryStep) {
  Deployment d;
  Run r = RunIt(d, Options());
  BOOST_TEST_REQUIRE(r.status.ok(), r.status.ToString());
  BOOST_TEST_REQUIRE(r.lines.size() == 4u);
  BOOST_TEST(r.lines[0] ==
             "ok    1/4 verification (token and challenge): 200, challenge and validation key "
             "echoed");
  BOOST_TEST(r.lines[1] == "ok    2/4 a sample DLR (id dlrctl-send-test-1): 200, stored 1");
  BOOST_TEST(r.lines[2] ==
             "ok    3/4 the same DLR again: 200, counted as a duplicate (stored 0, duplicates 1)");
  BOOST_TEST(r.lines[3] == "ok    4/4 the DLR with a wrong secret: 401, refused");
  BOOST_TEST(d.store.events().size() == 1u);  // one row, whatever was sent
  BOOST_TEST(d.calls[0].url == "http://test/cb?token=9012XX");
  BOOST_TEST(d.calls[0].authorization == "Bearer right-secret");
  BOOST_TEST(d.calls[3].authorization != "Bearer right-secret");
}

BOOST_AUTO_TEST_CASE(AWrongTokenFailsTheVerification) {
  Deployment d;
  SendTestOptions o = Options();
  o.token = "wrong";
  Run r = RunIt(d, o);
  BOOST_TEST(!r.status.ok());
  BOOST_TEST(r.status.message().find("answered 403: the token is not the webhook's validation "
                                     "key") != std::string::npos,
             r.status.message());
  BOOST_TEST(r.lines.size() == 1u);  // stops at the first failure
  BOOST_TEST(r.lines[0].rfind("FAIL  1/4", 0) == 0u);
  BOOST_TEST(d.store.empty());
}

BOOST_AUTO_TEST_CASE(AWrongSecretFailsAt401) {
  Deployment d;
  SendTestOptions o = Options();
  o.secret = "not-it";
  Run r = RunIt(d, o);
  BOOST_TEST(r.status.message().find("answered 401: the secret was refused") != std::string::npos,
             r.status.message());
  BOOST_TEST(d.store.empty());
}

BOOST_AUTO_TEST_CASE(AWebhookWithoutSecretsFailsTheLastStep) {
  Deployment d;
  SendTestOptions o = Options("/open");
  o.token = "open-key";
  Run r = RunIt(d, o);
  BOOST_TEST(r.lines.size() == 4u);
  BOOST_TEST(r.lines[3].rfind("FAIL  4/4", 0) == 0u);
  BOOST_TEST(r.status.message().find("a wrong secret is accepted") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(WithoutASecretTheLastStepIsSkipped) {
  Deployment d;
  SendTestOptions o = Options("/open");
  o.token = "open-key";
  o.secret.reset();
  Run r = RunIt(d, o);
  BOOST_TEST(r.status.ok(), r.status.ToString());
  BOOST_TEST(r.lines[3].rfind("skip  4/4", 0) == 0u);
  BOOST_TEST(d.calls.size() == 3u);
}

BOOST_AUTO_TEST_CASE(AnIdStoredBeforeIsNamed) {
  Deployment d;
  BOOST_TEST_REQUIRE(RunIt(d, Options()).status.ok());
  Run again = RunIt(d, Options());
  BOOST_TEST(again.status.message().find("that id was stored before; use another --id") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(AWrongPathAndNoServerAreNamed) {
  Deployment d;
  Run r = RunIt(d, Options("/nowhere"));
  BOOST_TEST(r.status.message().find("answered 404: no webhook answers this URL's path") !=
             std::string::npos);
  d.down = true;
  r = RunIt(d, Options());
  BOOST_TEST(r.status.code() == StatusCode::kUnavailable);
  BOOST_TEST(r.lines[0] ==
             "FAIL  1/4 verification (token and challenge): no answer: Connection refused");
}

BOOST_AUTO_TEST_CASE(QueryParametersAreAddedAndEncoded) {
  BOOST_TEST(WithQueryParam("http://h/cb", "token", "a b&c") == "http://h/cb?token=a%20b%26c");
  BOOST_TEST(WithQueryParam("http://h/cb?x=1", "token", "k") == "http://h/cb?x=1&token=k");
  BOOST_TEST(WithQueryParam("http://h/cb?", "token", "k") == "http://h/cb?token=k");
  BOOST_TEST(WithQueryParam("http://h/cb#top", "token", "k") == "http://h/cb?token=k#top");
  BOOST_TEST(WithQueryParam("http://h/cb", "token", "\xc3\xa9~._-") ==
             "http://h/cb?token=%C3%A9~._-");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
