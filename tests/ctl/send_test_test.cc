// RunSendTest against the real HandleRequest (an in-memory store): a right
// deployment passes every step; each kind of wrong one fails at its step.
#define BOOST_TEST_DYN_LINK
#include "common/ctl/send_test.h"

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/time.h"
#include "common/webhook/config.h"
#include "common/webhook/handler.h"
#include "tests/testing/fake_clock.h"
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

// --- Each platform played: its DLR shaped and signed as it sends one ---

namespace {

// A seed of the RFC 8032 test vectors (TEST 1): the Telnyx private key.
const std::string kTelnyxSeed =
    *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

std::string ProvidersConfig() {
  return R"({"database": "unused.sqlite", "webhooks": [
    {"name": "twilio", "path": "/twilio", "provider": "twilio",
     "public_url": "https://dlr.example.com/twilio", "verify": {"auth_tokens": ["tw-token"]}},
    {"name": "vonage", "path": "/vonage", "provider": "vonage",
     "verify": {"signature_secrets": ["vo-secret"], "algorithm": "sha256"}},
    {"name": "vonage-md5", "path": "/vonage-md5", "provider": "vonage",
     "verify": {"signature_secrets": ["vo-secret"], "algorithm": "md5hash"}},
    {"name": "plivo", "path": "/plivo", "provider": "plivo",
     "public_url": "https://dlr.example.com/plivo", "verify": {"auth_tokens": ["pl-token"]}},
    {"name": "infobip", "path": "/infobip", "provider": "infobip",
     "verify": {"scheme": "basic", "users": [{"user": "ib", "password": "ib-pass"}]}},
    {"name": "infobip-hmac", "path": "/infobip-hmac", "provider": "infobip",
     "verify": {"scheme": "hmac", "header": "X-Hub-Signature", "algorithm": "sha1",
                "encoding": "base64", "secrets": ["ib-key"]}},
    {"name": "telnyx", "path": "/telnyx", "provider": "telnyx",
     "verify": {"public_keys": [")" +
         Base64Encode(*Ed25519PublicKey(kTelnyxSeed)) + R"("]}},
    {"name": "kannel", "path": "/kannel", "provider": "kannel",
     "verify": {"scheme": "bearer", "secrets": ["kannel-secret"]}},
    {"name": "sw", "path": "/sw",
     "verify": {"scheme": "standard-webhooks", "secrets": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]}},
    {"name": "hmac", "path": "/hmac",
     "verify": {"scheme": "hmac", "header": "X-Hub-Signature-256", "algorithm": "sha256",
                "prefix": "sha256=", "secrets": ["hm-key"]}},
    {"name": "open-kannel", "path": "/open-kannel", "provider": "kannel"}]})";
}

// HandleRequest behind http://test, every header passed (lower-case), the clock fixed.
struct Platforms {
  Platforms() : clock(kNow * 1000) {
    StatusOr<Config> c = ParseConfig(ProvidersConfig(), "");
    BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
    config = c.value();
  }
  static constexpr int64_t kNow = 1733500000;
  HttpTransport Transport() {
    return [this](const HttpCall& call) -> StatusOr<HttpAnswer> {
      calls.push_back(call);
      std::string rest = call.url.substr(call.url.find('/', 8));
      Request r;
      r.method = call.method;
      size_t q = rest.find('?');
      r.path = rest.substr(0, q);
      r.query = q == std::string::npos ? "" : rest.substr(q + 1);
      r.content_type = call.content_type;
      r.authorization = call.authorization;
      r.body = call.body;
      for (const auto& [name, value] : call.headers) {
        std::string lower = name;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        r.headers.push_back({lower, value});
      }
      Response resp = HandleRequest(r, config, store, clock);
      return HttpAnswer{resp.status, resp.body};
    };
  }
  // Options as dlrctl fills them from the webhook's config (--webhook NAME).
  SendTestOptions From(const std::string& name) {
    SendTestOptions o;
    for (const Webhook& w : config.webhooks) {
      if (w.name == name) SendTestFromWebhook(w, &o);
    }
    o.url = "http://test/" + name;
    o.dlr_id = "st-" + name;
    o.now = kNow;
    o.nonce = "nonce-5f1c";
    return o;
  }
  Config config;
  test::MemoryStore store;
  test::FakeClock clock;
  std::vector<HttpCall> calls;
};

Run RunPlatform(Platforms& p, const SendTestOptions& o) {
  Run r;
  r.status = RunSendTest(o, p.Transport(), [&r](const std::string& l) { r.lines.push_back(l); });
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SendTestProvidersTest)

// The platforms whose DLRs the payload parser reads today: all three steps pass.
BOOST_AUTO_TEST_CASE(EachPlatformIsStoredOnceThenDuplicateThenRefused) {
  for (const char* name : {"twilio", "vonage", "vonage-md5", "plivo", "kannel", "sw", "hmac"}) {
    Platforms p;
    Run r = RunPlatform(p, p.From(name));
    BOOST_TEST(r.status.ok(), name << ": " << r.status.ToString());
    BOOST_TEST_REQUIRE(r.lines.size() == 3u, name);
    BOOST_TEST(r.lines[0].rfind("ok    1/3 a ", 0) == 0u, r.lines[0]);
    BOOST_TEST(r.lines[0].find("200, stored 1") != std::string::npos, r.lines[0]);
    BOOST_TEST(r.lines[1].find("duplicates 1") != std::string::npos, r.lines[1]);
    BOOST_TEST(r.lines[2].find("401, refused") != std::string::npos, r.lines[2]);
    BOOST_TEST(p.store.events().size() == 1u, name);
  }
}

BOOST_AUTO_TEST_CASE(EachPlatformSendsWhatItsDocumentationShows) {
  Platforms p;
  StatusOr<HttpCall> tw = SendTestDlrCall(p.From("twilio"), false);
  BOOST_TEST_REQUIRE(tw.ok(), tw.status().ToString());
  BOOST_TEST(tw.value().method == "POST");
  BOOST_TEST(tw.value().content_type == "application/x-www-form-urlencoded");
  BOOST_TEST(tw.value().body.find("MessageSid=st-twilio&") == 0u, tw.value().body);
  BOOST_TEST(tw.value().headers.at(0).first == "X-Twilio-Signature");

  StatusOr<HttpCall> vo = SendTestDlrCall(p.From("vonage"), false);
  BOOST_TEST_REQUIRE(vo.ok());
  BOOST_TEST(vo.value().method == "GET");
  BOOST_TEST(vo.value().body.empty());
  BOOST_TEST(vo.value().url.find("messageId=st-vonage") != std::string::npos, vo.value().url);
  BOOST_TEST(vo.value().url.find("&sig=") != std::string::npos, vo.value().url);

  StatusOr<HttpCall> pl = SendTestDlrCall(p.From("plivo"), false);
  BOOST_TEST_REQUIRE(pl.ok());
  BOOST_TEST(pl.value().headers.size() == 2u);
  BOOST_TEST(pl.value().headers.at(1).second == "nonce-5f1c");

  StatusOr<HttpCall> ka = SendTestDlrCall(p.From("kannel"), false);
  BOOST_TEST_REQUIRE(ka.ok());
  BOOST_TEST(ka.value().method == "GET");
  BOOST_TEST(ka.value().url.find("?id=st-kannel&type=1&") != std::string::npos, ka.value().url);
  BOOST_TEST(ka.value().authorization == "Bearer kannel-secret");

  StatusOr<HttpCall> ib = SendTestDlrCall(p.From("infobip"), false);
  BOOST_TEST_REQUIRE(ib.ok());
  BOOST_TEST(
      ib.value().body.find(
          R"({"results":[{"bulkId":"dlrctl-send-test","messageId":"st-infobip","to":"41793026727",)") ==
          0u,
      ib.value().body);
  BOOST_TEST(ib.value().body.find(R"("status":{"groupId":3,"groupName":"DELIVERED",)") !=
             std::string::npos);
  BOOST_TEST(
      ib.value().body.find(R"("error":{"groupId":0,"groupName":"OK","id":0,"name":"NO_ERROR",)") !=
      std::string::npos);
  BOOST_TEST(ib.value().authorization == "Basic " + Base64Encode("ib:ib-pass"));

  StatusOr<HttpCall> tx = SendTestDlrCall(p.From("telnyx"), false);
  BOOST_TEST(!tx.ok());  // the config holds the public key only
  BOOST_TEST(tx.status().message().find("--private-key-file") != std::string::npos);
  SendTestOptions o = p.From("telnyx");
  o.scheme.secrets = {kTelnyxSeed};
  tx = SendTestDlrCall(o, false);
  BOOST_TEST_REQUIRE(tx.ok(), tx.status().ToString());
  BOOST_TEST(tx.value().body.find(R"({"data":{"event_type":"message.finalized",)") == 0u,
             tx.value().body);
  BOOST_TEST(tx.value().body.find(R"("payload":{"id":"st-telnyx",)") != std::string::npos);
  BOOST_TEST(
      tx.value().body.find(R"("to":[{"phone_number":"+15558675310","status":"delivered",)") !=
      std::string::npos);
  BOOST_TEST(tx.value().body.find(R"("errors":[])") != std::string::npos);
  BOOST_TEST(tx.value().headers.at(0).second == std::to_string(Platforms::kNow));
}

// Infobip's batch (with the webhook's basic or hmac) and Telnyx's event
// (signed with the private key whose public key the config holds), read by
// their presets: stored once, then a duplicate, then refused.
BOOST_AUTO_TEST_CASE(InfobipAndTelnyxAreStoredOnceThenDuplicateThenRefused) {
  for (const char* name : {"infobip", "infobip-hmac", "telnyx"}) {
    Platforms p;
    SendTestOptions o = p.From(name);
    if (std::string(name) == "telnyx") o.scheme.secrets = {kTelnyxSeed};
    Run r = RunPlatform(p, o);
    BOOST_TEST(r.status.ok(), name << ": " << r.status.ToString());
    BOOST_TEST_REQUIRE(r.lines.size() == 3u, name);
    BOOST_TEST(r.lines[0].find("200, stored 1") != std::string::npos, r.lines[0]);
    BOOST_TEST(r.lines[1].find("duplicates 1") != std::string::npos, r.lines[1]);
    BOOST_TEST(r.lines[2].find("401, refused") != std::string::npos, r.lines[2]);
    BOOST_TEST_REQUIRE(p.store.events().size() == 1u, name);
    BOOST_TEST(p.store.events()[0].dlr.Get(Field::kId).value_or("") == "st-" + std::string(name));
    BOOST_TEST(p.store.events()[0].dlr.Get(Field::kStatus).value_or("") ==
               (std::string(name) == "telnyx" ? "delivered" : "DELIVERED"));
  }
}

BOOST_AUTO_TEST_CASE(AWrongSecretFailsTheFirstStepAt401) {
  Platforms p;
  SendTestOptions o = p.From("twilio");
  o.scheme.secrets = {"not-the-token"};
  Run r = RunPlatform(p, o);
  BOOST_TEST(r.lines.size() == 1u);
  BOOST_TEST(r.status.message().find("answered 401") != std::string::npos, r.status.message());
  BOOST_TEST(p.store.empty());
  // A public URL other than the one the webhook has: the signature does not match.
  o = p.From("plivo");
  o.public_url = "https://elsewhere.example.com/plivo";
  r = RunPlatform(p, o);
  BOOST_TEST(r.status.message().find("answered 401") != std::string::npos, r.status.message());
}

BOOST_AUTO_TEST_CASE(WithoutASchemeTheLastStepIsSkipped) {
  Platforms p;
  Run r = RunPlatform(p, p.From("open-kannel"));
  BOOST_TEST(r.status.ok(), r.status.ToString());
  BOOST_TEST_REQUIRE(r.lines.size() == 3u);
  BOOST_TEST(r.lines[2].rfind("skip  3/3", 0) == 0u, r.lines[2]);
  BOOST_TEST(p.calls.size() == 2u);
}

BOOST_AUTO_TEST_CASE(SecretsFromFilesAreReadPerScheme) {
  SendTestOptions o;
  o.provider = "twilio";
  o.scheme.kind = SchemeKind::kTwilio;
  BOOST_TEST(SetSendTestSecret("tw-token\n", &o).ok());
  BOOST_TEST(o.scheme.secrets.at(0) == "tw-token");
  o.scheme.kind = SchemeKind::kStandardWebhooks;
  BOOST_TEST(SetSendTestSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", &o).ok());
  BOOST_TEST(o.scheme.secrets.at(0).size() == 24u);
  BOOST_TEST(!SetSendTestSecret("whsec_!!", &o).ok());
  o.scheme.kind = SchemeKind::kBasic;
  BOOST_TEST(SetSendTestSecret("user:pa:ss\n", &o).ok());
  BOOST_TEST(o.scheme.users.at(0).first == "user");
  BOOST_TEST(o.scheme.users.at(0).second == "pa:ss");
  Status bad = SetSendTestSecret("no-colon-secret", &o);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.message().find("no-colon-secret") == std::string::npos);  // never echoed
  o.scheme.kind = SchemeKind::kTelnyx;
  // `openssl genpkey -algorithm ed25519` of the RFC 8032 TEST 1 seed.
  const std::string pem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
      "-----END PRIVATE KEY-----\n";
  BOOST_TEST_REQUIRE(SetSendTestSecret(pem, &o).ok());
  BOOST_TEST(o.scheme.secrets.at(0) == kTelnyxSeed);
  BOOST_TEST(
      !SetSendTestSecret("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", &o).ok());
  o.provider = "mobtexting";
  o.scheme.kind = SchemeKind::kNone;
  BOOST_TEST(SetSendTestSecret("bearer-1\n", &o).ok());
  BOOST_TEST((o.scheme.kind == SchemeKind::kBearer));
  BOOST_TEST(o.secret.value_or("") == "bearer-1");
}

BOOST_AUTO_TEST_CASE(VonageSigCannotSignJson) {
  SendTestOptions o;
  o.provider = "infobip";
  o.url = "http://test/x";
  o.scheme.kind = SchemeKind::kVonageSig;
  o.scheme.secrets = {"s"};
  StatusOr<HttpCall> c = SendTestDlrCall(o, false);
  BOOST_TEST(c.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
