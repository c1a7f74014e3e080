// Per-webhook `verify`, `public_url`, `allow_from` and the top-level
// `trusted_proxies`: how the config reads them, and HandleRequest's answers
// (401 for a missing, wrong or expired signature, 403 outside allow_from,
// nothing stored either way).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/http/http.h"
#include "common/webhook/config.h"
#include "common/webhook/handler.h"
#include "common/webhook/signature.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_store.h"

namespace dlr {
namespace {

constexpr char kForm[] = "application/x-www-form-urlencoded";
constexpr char kJson[] = "application/json";

// The twilio-python request validator's vector (tests/unit/test_request_validator.py).
constexpr char kTwilioBody[] =
    "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%"
    "2B18005551212";
constexpr char kTwilioSignature[] = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

constexpr char kConfig[] = R"({
  "database": "unused.sqlite",
  "trusted_proxies": ["127.0.0.1", "10.0.0.0/8"],
  "webhooks": [
    {"name": "twilio", "path": "/twilio", "provider": "twilio",
     "public_url": "https://mycompany.com/myapp.php",
     "verify": {"auth_tokens": ["old-token", "12345"]},
     "fields": {"id": "CallSid", "status": "Digits"}},
    {"name": "sw", "path": "/sw",
     "verify": {"scheme": "standard-webhooks", "secrets": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
                "tolerance_seconds": 300}},
    {"name": "hmac", "path": "/hmac",
     "verify": {"scheme": "hmac", "header": "X-Signature", "algorithm": "sha256",
                "encoding": "hex", "prefix": "sha256=", "secrets": ["Jefe"]}},
    {"name": "basic", "path": "/basic",
     "verify": {"scheme": "basic", "users": [{"user": "Aladdin", "password": "open sesame"}]}},
    {"name": "allowed", "path": "/allowed", "allow_from": ["192.0.2.0/24", "2001:db8::/32"],
     "secrets": ["allowed-secret-123456"]}
  ]
})";

Config ParseOrDie(const std::string& text) {
  StatusOr<Config> c = ParseConfig(text, "");
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  return c.value();
}

std::string ConfigError(const std::string& webhook, const std::string& top = "") {
  StatusOr<Config> c =
      ParseConfig(R"({"database": "x.sqlite", )" + top + R"("webhooks": [)" + webhook + "]}", "");
  return c.ok() ? "" : c.status().message();
}

struct Fixture {
  Config config = ParseOrDie(kConfig);
  test::MemoryStore store;
  test::FakeClock clock;

  Response Handle(const Request& r) { return HandleRequest(r, config, store, clock); }
};

Request Post(const std::string& path, const std::string& content_type, const std::string& body) {
  Request r;
  r.method = "POST";
  r.path = path;
  r.content_type = content_type;
  r.body = body;
  r.remote_addr = "203.0.113.7";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ProvidersConfigTest)

BOOST_AUTO_TEST_CASE(ReadsEachSchemeAndDescribesItWithoutSecrets) {
  Config c = ParseOrDie(kConfig);
  BOOST_TEST(c.trusted_proxies.size() == 2u);
  BOOST_TEST(c.webhooks[0].provider == "twilio");
  BOOST_TEST((c.webhooks[0].verify.kind == SchemeKind::kTwilio));  // the provider's default
  BOOST_TEST(c.webhooks[0].verify.secrets.size() == 2u);
  BOOST_TEST(c.webhooks[1].verify.secrets[0].size() == 24u);  // decoded from whsec_
  BOOST_TEST(c.webhooks[2].verify.header == "x-signature");
  BOOST_TEST((c.signature_headers == std::vector<std::string>{"HTTP_X_SIGNATURE"}));
  BOOST_TEST((c.webhooks[4].verify.kind == SchemeKind::kBearer));  // webhook-level secrets
  for (const Webhook& w : c.webhooks) {
    std::string d = DescribeVerify(w);
    for (const char* secret :
         {"12345", "old-token", "MfKQ9r8G", "Jefe", "open sesame", "allowed-secret"}) {
      BOOST_TEST(d.find(secret) == std::string::npos, d);
    }
  }
  BOOST_TEST(DescribeVerify(c.webhooks[0]) ==
             "twilio (2 auth tokens), public_url https://mycompany.com/myapp.php");
  BOOST_TEST(DescribeVerify(c.webhooks[2]) ==
             "hmac (sha256, hex, header x-signature, prefix \"sha256=\", 1 secret)");
  BOOST_TEST(DescribeVerify(c.webhooks[4]) ==
             "bearer (1 secret), allow_from 192.0.2.0/24 2001:db8::/32");
}

BOOST_AUTO_TEST_CASE(RefusesBadSettingsNamingTheKey) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"name": "a", "provider": "nexmo"})", "webhooks[0].provider"},
      {R"({"name": "a", "verify": {"scheme": "rsa"}})", "webhooks[0].verify.scheme"},
      {R"({"name": "a", "verify": {"secrets": ["x"]}})", ""},  // mobtexting: bearer by default
      {R"({"name": "a", "provider": "kannel", "verify": {"secrets": ["x"]}})",
       "webhooks[0].verify.scheme: is required"},
      {R"({"name": "a", "verify": {"scheme": "twilio", "auth_tokens": ["t"]}})",
       "webhooks[0].public_url: is required"},
      {R"({"name": "a", "verify": {"scheme": "hmac", "secrets": ["k"]}})",
       "webhooks[0].verify.header: is required"},
      {R"({"name": "a", "verify": {"scheme": "hmac", "header": "X-S", "algorithm": "md5", "secrets": ["k"]}})",
       "webhooks[0].verify.algorithm"},
      {R"({"name": "a", "verify": {"scheme": "hmac", "header": "X S", "secrets": ["k"]}})",
       "webhooks[0].verify.header"},
      {R"({"name": "a", "verify": {"scheme": "telnyx", "public_keys": ["c2hvcnQ="]}})",
       "webhooks[0].verify.public_keys[0]"},
      {R"({"name": "a", "verify": {"scheme": "standard-webhooks", "secrets": ["whsec_!!"]}})",
       "webhooks[0].verify.secrets[0]"},
      {R"({"name": "a", "verify": {"scheme": "bearer", "secrets": []}})",
       "webhooks[0].verify.secrets"},
      {R"({"name": "a", "verify": {"scheme": "bearer", "secrets": ["s"], "header": "x"}})",
       "webhooks[0].verify.header: unknown key for scheme bearer"},
      {R"({"name": "a", "secrets": ["s"], "verify": {"scheme": "bearer", "secrets": ["t"]}})",
       "webhooks[0].secrets: give the secrets in verify"},
      {R"({"name": "a", "verify": {"scheme": "basic", "users": [{"user": "u"}]}})",
       "webhooks[0].verify.users[0].password"},
      {R"({"name": "a", "verify": {"scheme": "vonage-sig", "signature_secrets": ["s"], "algorithm": "sha384"}})",
       "webhooks[0].verify.algorithm"},
      {R"({"name": "a", "allow_from": ["10.0.0.1/8"]})", "webhooks[0].allow_from[0]"},
      {R"({"name": "a", "allow_from": []})", "webhooks[0].allow_from"},
      {R"({"name": "a", "public_url": "mycompany.com/x"})", "webhooks[0].public_url"},
  };
  for (const auto& [webhook, want] : cases) {
    BOOST_TEST_CONTEXT(webhook) {
      std::string error = ConfigError(webhook);
      if (want.empty()) {
        BOOST_TEST(error.empty(), error);
      } else {
        BOOST_TEST(error.find(want) != std::string::npos, error);
      }
      // The secrets' values never appear in the error.
      for (const char* secret : {"\"t\"", "\"k\"", "whsec_!!"}) {
        BOOST_TEST(error.find(secret) == std::string::npos);
      }
    }
  }
  BOOST_TEST(ConfigError(R"({"name": "a"})", R"("trusted_proxies": ["nope"], )")
                 .find("trusted_proxies[0]") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(ProvidersHandlerTest, Fixture)

BOOST_AUTO_TEST_CASE(TwilioSignedFormIsStoredAndAnUnsignedOneRefused) {
  Request r = Post("/twilio", kForm, kTwilioBody);
  r.query = "foo=1&bar=2";
  r.headers = {{"x-twilio-signature", kTwilioSignature}};
  Response ok = Handle(r);
  BOOST_TEST(ok.status == 200, ok.body);
  BOOST_TEST(store.events().size() == 1u);

  Fixture f;
  r.headers = {{"x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8X"}};
  Response wrong = f.Handle(r);
  BOOST_TEST(wrong.status == 401);
  BOOST_TEST(wrong.body.find("\"unauthorized\"") != std::string::npos);
  r.headers.clear();
  BOOST_TEST(f.Handle(r).status == 401);
  r.headers = {{"x-twilio-signature", kTwilioSignature}};
  r.query = "foo=1&bar=3";  // the signed URL differs
  BOOST_TEST(f.Handle(r).status == 401);
  BOOST_TEST(f.store.empty());
}

BOOST_AUTO_TEST_CASE(StandardWebhooksChecksTheTimestampTolerance) {
  const std::string body = R"({"id": "m1", "status": "DELIVRD"})";
  const std::string key = *DecodeStandardWebhooksSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  const int64_t now = clock.NowMillis() / 1000;
  auto request = [&](int64_t ts) {
    Request r = Post("/sw", kJson, body);
    std::string t = std::to_string(ts);
    r.headers = {{"webhook-id", "msg_1"},
                 {"webhook-timestamp", t},
                 {"webhook-signature", "v1," + SignStandardWebhooks(key, "msg_1", t, body)}};
    return r;
  };
  BOOST_TEST(Handle(request(now - 300)).status == 200);
  Fixture f;
  Response expired = f.Handle(request(now - 301));
  BOOST_TEST(expired.status == 401);
  BOOST_TEST(expired.body.find("tolerance") != std::string::npos);
  BOOST_TEST(f.Handle(request(now + 301)).status == 401);
  BOOST_TEST(f.store.empty());
}

BOOST_AUTO_TEST_CASE(HmacHeaderComesThroughTheConfiguredName) {
  // RFC 4231 test case 2 as a body: not a DLR, so 422 once the signature passes.
  Request r = Post("/hmac", kJson, R"({"id": "m2", "status": "DELIVRD"})");
  r.headers = {
      {"x-signature", "sha256=" + HexEncode(Hmac(DigestAlgorithm::kSha256, "Jefe", r.body))}};
  BOOST_TEST(Handle(r).status == 200);
  Fixture f;
  r.headers[0].second = "sha256=" + HexEncode(Hmac(DigestAlgorithm::kSha256, "Jeff", r.body));
  BOOST_TEST(f.Handle(r).status == 401);
  BOOST_TEST(f.store.empty());
}

BOOST_AUTO_TEST_CASE(BasicIsCheckedBeforeTheBody) {
  Request r = Post("/basic", kJson, R"({"id": "m3", "status": "DELIVRD"})");
  r.authorization = "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
  BOOST_TEST(Handle(r).status == 200);
  r.authorization = "Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==";
  BOOST_TEST(RefuseBeforeBody(r, config).has_value());
  Fixture f;
  BOOST_TEST(f.Handle(r).status == 401);
  BOOST_TEST(f.store.empty());
}

BOOST_AUTO_TEST_CASE(AllowFromBelievesOnlyTrustedProxies) {
  Request r = Post("/allowed", kJson, R"({"id": "m4", "status": "DELIVRD"})");
  r.authorization = "Bearer allowed-secret-123456";
  r.remote_addr = "192.0.2.9";  // directly, inside
  BOOST_TEST(Handle(r).status == 200);

  Fixture f;
  r.remote_addr = "198.51.100.1";  // directly, outside
  Response outside = f.Handle(r);
  BOOST_TEST(outside.status == 403);
  BOOST_TEST(outside.body.find("\"forbidden\"") != std::string::npos);
  BOOST_TEST(RefuseBeforeBody(r, f.config)->status == 403);  // before the body is read
  // Outside, claiming an inside address: not a trusted proxy, not believed.
  r.headers = {{"x-forwarded-for", "192.0.2.9"}};
  BOOST_TEST(f.Handle(r).status == 403);
  // Through a trusted proxy: the last hop not trusted decides.
  r.remote_addr = "127.0.0.1";
  r.headers = {{"x-forwarded-for", "192.0.2.9, 10.1.1.1"}};
  BOOST_TEST(f.Handle(r).status == 200);
  r.headers = {{"x-forwarded-for", "192.0.2.9, 198.51.100.1, 10.1.1.1"}};  // a forged left hop
  BOOST_TEST(f.Handle(r).status == 403);
  r.headers = {{"x-forwarded-for", "2001:db8::5"}};
  r.body = R"({"id": "m5", "status": "DELIVRD"})";
  BOOST_TEST(f.Handle(r).status == 200);
  BOOST_TEST(f.store.events().size() == 2u);
  BOOST_TEST(f.store.rejected().empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
