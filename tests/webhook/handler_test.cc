// HandleRequest against the contract's "Requests and answers" table, one
// suite per row, with an in-memory store (tests/testing/fake_store.h) that can be
// made to fail. Each test checks the status code, the JSON body, the headers
// the row names and what the store holds afterwards.
#define BOOST_TEST_DYN_LINK
#include "common/webhook/handler.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstddef>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/base/log.h"
#include "common/http/http.h"
#include "common/webhook/config.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

constexpr char kJson[] = "application/json";
constexpr char kForm[] = "application/x-www-form-urlencoded";
constexpr char kPath[] = "/receive/callback";
constexpr char kSecret[] = "1233XXX";
constexpr char kNewSecret[] = "new-5678";
constexpr char kKey[] = "9012XX";
constexpr char kRemote[] = "203.0.113.7";

constexpr char kConfig[] = R"({
  "database": "unused.sqlite",
  "max_body_bytes": 4096,
  "webhooks": [
    {"name": "sms", "path": "/receive/callback", "validation_key": "9012XX",
     "secrets": ["1233XXX", "new-5678"]},
    {"name": "compose", "path": "/compose", "validation_key": "compose-key",
     "secrets": ["compose-secret"],
     "fields": {"id": "message_id", "status": "message_status", "mobile": "mobile_number"}},
    {"name": "open", "path": "/open"}
  ]
})";

using test::kPlatformDlrExample;

// The platform's verification body (seed/platform-verify-webhook.md), verbatim.
constexpr char kPlatformVerify[] = R"({
    "validation_key": "9012XXXX",
    "challenge": "a234qwe",
  })";

constexpr char kDlr[] =
    R"({"id": "msg-1", "status": "DELIVRD", "deliv_time": "2021-04-09 16:27:51"})";

Config ParseOrDie(const std::string& text) {
  StatusOr<Config> c = ParseConfig(text, "");
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  return c.value();
}

// A request as the adapter would build it: authorized with kSecret, from
// kRemote, to kPath unless told otherwise.
struct Req {
  Request r;
  Req(const std::string& method, const std::string& path = kPath) {
    r.method = method;
    r.path = path;
    r.authorization = std::string("Bearer ") + kSecret;
    r.remote_addr = kRemote;
  }
  Req& Query(const std::string& q) {
    r.query = q;
    return *this;
  }
  Req& Body(const std::string& body, const std::string& content_type = kJson) {
    r.body = body;
    r.content_type = content_type;
    return *this;
  }
  Req& Auth(const std::string& header) {
    r.authorization = header;
    return *this;
  }
  Req& State(BodyState s) {
    r.body_state = s;
    return *this;
  }
};

struct Fixture {
  Config config = ParseOrDie(kConfig);
  test::MemoryStore memory;
  test::FailingStore store{&memory};
  test::FakeClock clock;

  Response Handle(const Req& req) { return HandleRequest(req.r, config, store, clock); }

  // Nothing written anywhere, not even attempted.
  void ExpectNothingStored() {
    BOOST_TEST(memory.empty());
    BOOST_TEST(store.commit_calls() == 0u);
    BOOST_TEST(store.rejected_calls() == 0u);
  }
};

// The answer's body, which must be one JSON object.
rapidjson::Document Body(const Response& r) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.data(), r.body.size());
  BOOST_TEST_REQUIRE(!doc.HasParseError(), "not JSON: " << r.body);
  BOOST_TEST_REQUIRE(doc.IsObject(), "not an object: " << r.body);
  return doc;
}

std::string StringMember(const rapidjson::Document& doc, const char* key) {
  auto m = doc.FindMember(key);
  if (m == doc.MemberEnd() || !m->value.IsString()) return "(missing)";
  return std::string(m->value.GetString(), m->value.GetStringLength());
}

// {"ok": false, "error": <error>, "message": <a sentence>} with `status`.
void ExpectError(const Response& r, int status, const std::string& error) {
  BOOST_TEST(r.status == status, "body " << r.body);
  rapidjson::Document doc = Body(r);
  BOOST_TEST(doc.MemberCount() == 3u, r.body);
  BOOST_TEST_REQUIRE(doc.HasMember("ok"));
  BOOST_TEST(doc["ok"].IsFalse());
  BOOST_TEST(StringMember(doc, "error") == error);
  BOOST_TEST(StringMember(doc, "message").size() > 5u, r.body);
}

// 200 {"ok": true, "stored": N, "duplicates": M}.
void ExpectStored(const Response& r, int stored, int duplicates) {
  BOOST_TEST(r.status == 200, "body " << r.body);
  rapidjson::Document doc = Body(r);
  BOOST_TEST(doc.MemberCount() == 3u, r.body);
  BOOST_TEST_REQUIRE(doc.HasMember("ok"));
  BOOST_TEST(doc["ok"].IsTrue());
  BOOST_TEST_REQUIRE(doc.HasMember("stored"));
  BOOST_TEST_REQUIRE(doc["stored"].IsInt());
  BOOST_TEST(doc["stored"].GetInt() == stored);
  BOOST_TEST_REQUIRE(doc.HasMember("duplicates"));
  BOOST_TEST_REQUIRE(doc["duplicates"].IsInt());
  BOOST_TEST(doc["duplicates"].GetInt() == duplicates);
}

void ExpectPing(const Response& r) {
  BOOST_TEST(r.status == 200, "body " << r.body);
  rapidjson::Document doc = Body(r);
  BOOST_TEST(doc.MemberCount() == 1u, r.body);
  BOOST_TEST_REQUIRE(doc.HasMember("ok"));
  BOOST_TEST(doc["ok"].IsTrue());
  BOOST_TEST(r.headers.empty());
}

// 200 {"challenge": <challenge>, "validation_key": <key>}, "challenge" only
// when one was sent.
void ExpectHandshake(const Response& r, const char* challenge, const std::string& key) {
  BOOST_TEST(r.status == 200, "body " << r.body);
  rapidjson::Document doc = Body(r);
  BOOST_TEST(StringMember(doc, "validation_key") == key);
  if (challenge) {
    BOOST_TEST(doc.MemberCount() == 2u, r.body);
    BOOST_TEST(StringMember(doc, "challenge") == challenge);
  } else {
    BOOST_TEST(doc.MemberCount() == 1u, r.body);
    BOOST_TEST(!doc.HasMember("challenge"));
  }
}

bool IsUtcTime(const std::string& s) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (s.size() != shape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool digit = s[i] >= '0' && s[i] <= '9';
    if (shape[i] == 'd' ? !digit : s[i] != shape[i]) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// any method, ?token= present, no DLR in it, bearer ok, token equals the
// webhook's validation key -> 200 {"challenge": ..., "validation_key": ...}
BOOST_FIXTURE_TEST_SUITE(HandshakeTest, Fixture)

BOOST_AUTO_TEST_CASE(PlatformsVerificationIsAnsweredWithChallengeAndKey) {
  Response r = Handle(Req("POST").Query("token=9012XX").Body(kPlatformVerify));
  ExpectHandshake(r, "a234qwe", kKey);
  BOOST_TEST(r.headers.empty());
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(ChallengeFromAFormBody) {
  Response r = Handle(Req("POST").Query("token=9012XX").Body("challenge=f%20c", kForm));
  ExpectHandshake(r, "f c", kKey);
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(ChallengeFromTheQuery) {
  Response r = Handle(Req("GET").Query("token=9012XX&challenge=q-1"));
  ExpectHandshake(r, "q-1", kKey);
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(WithoutAChallengeOnlyTheKey) {
  ExpectHandshake(Handle(Req("GET").Query("token=9012XX")), nullptr, kKey);
  ExpectHandshake(Handle(Req("POST").Query("token=9012XX").Body(R"({"validation_key":"x"})")),
                  nullptr, kKey);
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(ChallengeIsEchoedAsValidJson) {
  Response r = Handle(Req("POST").Query("token=9012XX").Body(R"({"challenge":"a\"b\\c<>"})"));
  ExpectHandshake(r, "a\"b\\c<>", kKey);
}

BOOST_AUTO_TEST_CASE(AnsweredForGetPostAndPut) {
  for (const char* method : {"GET", "POST", "PUT"}) {
    BOOST_TEST_CONTEXT("method " << method) {
      ExpectHandshake(Handle(Req(method).Query("token=9012XX&challenge=c")), "c", kKey);
    }
  }
  ExpectNothingStored();
}

// CONTRACT, first row: "any method, ?token= present, ...".
BOOST_AUTO_TEST_CASE(AnsweredForAnyMethod) {
  for (const char* method : {"PATCH", "DELETE", "OPTIONS"}) {
    BOOST_TEST_CONTEXT("method " << method) {
      ExpectHandshake(Handle(Req(method).Query("token=9012XX&challenge=c")), "c", kKey);
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(AnotherWebhooksKeyIsItsOwn) {
  Response r =
      Handle(Req("GET", "/compose").Auth("Bearer compose-secret").Query("token=compose-key"));
  ExpectHandshake(r, nullptr, "compose-key");
  r = Handle(Req("GET", "/compose").Auth("Bearer compose-secret").Query("token=9012XX"));
  ExpectError(r, 403, "forbidden");
}

BOOST_AUTO_TEST_CASE(BearerIsRequiredFirst) {
  Response r = Handle(Req("POST").Auth("").Query("token=9012XX").Body(kPlatformVerify));
  ExpectError(r, 401, "unauthorized");
  BOOST_TEST(r.Header("WWW-Authenticate") == "Bearer");
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(TokenWithADlrStoresTheDlr) {
  Response r = Handle(Req("POST").Query("token=9012XX").Body(kDlr));
  ExpectStored(r, 1, 0);
  BOOST_TEST(memory.events().size() == 1u);
  // The token only matters without a DLR: a wrong one does not refuse a DLR.
  r = Handle(Req("POST").Query("token=wrong").Body(R"({"id":"msg-2","status":"DELIVRD"})"));
  ExpectStored(r, 1, 0);
  BOOST_TEST(memory.events().size() == 2u);
  // Nor is the token stored as a field.
  r = Handle(Req("GET").Query("token=9012XX&id=msg-3&status=UNDELIV"));
  ExpectStored(r, 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 3u);
  BOOST_TEST(memory.events()[2].dlr.raw == "id=msg-3&status=UNDELIV");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// same, token differs from the validation key (or the webhook has none) -> 403
BOOST_FIXTURE_TEST_SUITE(ForbiddenTest, Fixture)

BOOST_AUTO_TEST_CASE(WrongTokenIsForbidden) {
  for (const char* query : {"token=9012xx", "token=9012X", "token=9012XXX",
                            "token=", "token=%209012XX", "token=other&token=9012XX"}) {
    BOOST_TEST_CONTEXT("query " << query) {
      Response r = Handle(Req("POST").Query(query).Body(kPlatformVerify));
      ExpectError(r, 403, "forbidden");
      BOOST_TEST(r.headers.empty());
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(WebhookWithoutValidationKeyForbidsEveryToken) {
  for (const char* query : {"token=", "token=9012XX", "token=anything"}) {
    BOOST_TEST_CONTEXT("query " << query) {
      ExpectError(Handle(Req("GET", "/open").Auth("").Query(query)), 403, "forbidden");
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(TheAnswerNeverShowsTheKey) {
  Response r = Handle(Req("GET").Query("token=nope"));
  ExpectError(r, 403, "forbidden");
  BOOST_TEST(r.body.find(kKey) == std::string::npos, r.body);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// a DLR (JSON object, JSON array of objects, form body, or query parameters)
// by GET, POST or PUT, bearer ok -> 200 {"ok": true, "stored": N, "duplicates": M}
BOOST_FIXTURE_TEST_SUITE(StoreDlrTest, Fixture)

BOOST_AUTO_TEST_CASE(ThePlatformsExampleIsStored) {
  Response r = Handle(Req("POST").Body(kPlatformDlrExample));
  ExpectStored(r, 1, 0);
  BOOST_TEST(r.headers.empty());
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  const test::StoredEvent& e = memory.events()[0];
  BOOST_TEST(e.webhook == "sms");
  BOOST_TEST(e.dlr.raw == kPlatformDlrExample);
  BOOST_TEST(e.dlr.Get(Field::kId).value_or("") == "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1");
  BOOST_TEST(e.dlr.Get(Field::kCredits).value_or("") == "2.0000");
  BOOST_TEST(e.dlr.Get(Field::kUnits).value_or("") == "2");
  BOOST_TEST(IsUtcTime(e.received_at), e.received_at);
  const test::StoredMessage* m = memory.message("b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1");
  BOOST_TEST_REQUIRE(m != nullptr);
  BOOST_TEST(m->status == "DELIVRD");
  BOOST_TEST(m->delivered);
  BOOST_TEST(memory.rejected().empty());
}

BOOST_AUTO_TEST_CASE(JsonObjectByPostOrPut) {
  ExpectStored(Handle(Req("POST").Body(R"({"id":"p","status":"DELIVRD"})")), 1, 0);
  ExpectStored(Handle(Req("PUT").Body(R"({"id":"q","status":"DELIVRD"})")), 1, 0);
  BOOST_TEST(memory.events().size() == 2u);
}

BOOST_AUTO_TEST_CASE(JsonArrayOfObjects) {
  Response r = Handle(Req("POST").Body(
      R"([{"id":"a1","status":"DELIVRD"}, {"id":"a2","status":"UNDELIV"}, {"id":"a3","status":"AWAITING-DLR"}])"));
  ExpectStored(r, 3, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 3u);
  BOOST_TEST(memory.events()[1].dlr.raw == R"({"id":"a2","status":"UNDELIV"})");
  BOOST_TEST(memory.message("a3")->final == false);
}

BOOST_AUTO_TEST_CASE(FormBody) {
  Response r =
      Handle(Req("POST").Body("id=f1&status=EXPIRED&deliv_time=2021-04-09+16%3A27%3A51", kForm));
  ExpectStored(r, 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  BOOST_TEST(memory.events()[0].dlr.Get(Field::kDelivTime).value_or("") == "2021-04-09 16:27:51");
}

BOOST_AUTO_TEST_CASE(MultipartBody) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nmp1\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nDELIVRD\r\n--XyZ--\r\n";
  ExpectStored(Handle(Req("POST").Body(body, "multipart/form-data; boundary=XyZ")), 1, 0);
  BOOST_TEST(memory.message("mp1") != nullptr);
}

BOOST_AUTO_TEST_CASE(QueryParametersByGet) {
  Response r = Handle(Req("GET").Query("id=g1&status=DELIVRD&mobile=%2B91"));
  ExpectStored(r, 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  BOOST_TEST(memory.events()[0].dlr.Get(Field::kMobile).value_or("") == "+91");
  BOOST_TEST(memory.events()[0].dlr.raw == "id=g1&status=DELIVRD&mobile=%2B91");
}

BOOST_AUTO_TEST_CASE(ComposedWebhookUsesItsFieldNames) {
  const std::string body =
      "message_id=form-1&mobile_number=919812345678&message_status=DELIVRD&deliv_time=2021-04-09+"
      "16%3A27%3A51&credits=2.0000&units=2&custom=order+%23991";
  Response r = Handle(Req("POST", "/compose").Auth("Bearer compose-secret").Body(body, kForm));
  ExpectStored(r, 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  const test::StoredEvent& e = memory.events()[0];
  BOOST_TEST(e.webhook == "compose");
  BOOST_TEST(e.dlr.Get(Field::kId).value_or("") == "form-1");
  BOOST_TEST(e.dlr.Get(Field::kMobile).value_or("") == "919812345678");
  BOOST_TEST(e.dlr.Get(Field::kCustom).value_or("") == "order #991");
}

BOOST_AUTO_TEST_CASE(ADuplicateIsAcknowledgedNotStoredAgain) {
  ExpectStored(Handle(Req("POST").Body(kDlr)), 1, 0);
  Response r = Handle(Req("POST").Body(kDlr));
  ExpectStored(r, 0, 1);
  BOOST_TEST(r.body == R"({"ok":true,"stored":0,"duplicates":1})");
  BOOST_TEST(memory.events().size() == 1u);
}

BOOST_AUTO_TEST_CASE(AnArrayCountsItsDuplicates) {
  ExpectStored(Handle(Req("POST").Body(R"({"id":"d1","status":"DELIVRD"})")), 1, 0);
  Response r = Handle(Req("POST").Body(
      R"([{"id":"d1","status":"DELIVRD"},{"id":"d2","status":"DELIVRD"},{"id":"d2","status":"DELIVRD"},{"id":"d3","status":"DELIVRD"}])"));
  ExpectStored(r, 2, 2);
  BOOST_TEST(memory.events().size() == 3u);
}

// CONTRACT: raw keeps the event "so fields we do not know are never lost";
// Compose Webhook puts values in the query string beside a JSON body.
BOOST_AUTO_TEST_CASE(UnknownQueryFieldsOfABodyDlrAreNotLost) {
  ExpectStored(Handle(Req("POST").Query("ref=campaign-7&token=k&mobile=91").Body(kDlr)), 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  const test::StoredEvent& e = memory.events()[0];
  BOOST_TEST(e.dlr.Get(Field::kMobile).value_or("") == "91");  // a known one: a column
  BOOST_TEST(e.dlr.raw == kDlr);                               // raw: the body as sent
  BOOST_TEST(e.query == "ref=campaign-7&mobile=91");           // the rest: never the token
}

BOOST_AUTO_TEST_CASE(AQueryDlrKeepsItsQueryAsRawWithoutTheToken) {
  ExpectStored(Handle(Req("GET").Query("id=q1&token=k&status=DELIVRD")), 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  BOOST_TEST(memory.events()[0].dlr.raw == "id=q1&status=DELIVRD");
  BOOST_TEST(memory.events()[0].query == "");
}

BOOST_AUTO_TEST_CASE(TrailingSlashFindsTheWebhook) {
  ExpectStored(Handle(Req("POST", "/receive/callback/").Body(kDlr)), 1, 0);
}

BOOST_AUTO_TEST_CASE(UnknownStatusIsStoredAsReceived) {
  ExpectStored(Handle(Req("POST").Body(R"({"id":"u","status":"DLT-SOMETHING-NEW"})")), 1, 0);
  BOOST_TEST_REQUIRE(memory.message("u") != nullptr);
  BOOST_TEST(memory.message("u")->status == "DLT-SOMETHING-NEW");
  BOOST_TEST(memory.message("u")->final);
}

BOOST_AUTO_TEST_CASE(PendingAfterFinalKeepsTheFinalStatus) {
  ExpectStored(Handle(Req("POST").Body(
                   R"({"id":"o","status":"DELIVRD","deliv_time":"2021-04-09 10:00:00"})")),
               1, 0);
  ExpectStored(Handle(Req("POST").Body(
                   R"({"id":"o","status":"AWAITING-DLR","deliv_time":"2021-04-09 11:00:00"})")),
               1, 0);
  BOOST_TEST(memory.message("o")->status == "DELIVRD");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// GET (or any allowed method with an empty body) with no token and no DLR,
// bearer ok -> 200 {"ok": true}
BOOST_FIXTURE_TEST_SUITE(PingTest, Fixture)

BOOST_AUTO_TEST_CASE(GetWithoutAnythingIsAPing) {
  ExpectPing(Handle(Req("GET")));
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(EmptyBodyByAnyAllowedMethodIsAPing) {
  for (const char* method : {"GET", "POST", "PUT"}) {
    BOOST_TEST_CONTEXT("method " << method) {
      ExpectPing(Handle(Req(method).Body("", kJson)));
      ExpectPing(Handle(Req(method).Body(" \r\n", kJson)));
      ExpectPing(Handle(Req(method).Body("", kForm)));
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(UnrelatedQueryParametersStillPing) {
  ExpectPing(Handle(Req("GET").Query("utm_source=x&mobile=91")));
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(TheSecretExampleIsAPing) {
  // curl -X GET 'yourdomain.com/receive/callback' -H 'authorization: Bearer 1233XXX'
  ExpectPing(Handle(Req("GET").Auth("bearer 1233XXX")));
  ExpectNothingStored();
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// bearer missing or wrong, when the webhook has secrets -> 401, WWW-Authenticate
BOOST_FIXTURE_TEST_SUITE(UnauthorizedTest, Fixture)

BOOST_AUTO_TEST_CASE(MissingOrWrongBearerIsRefused) {
  const char* headers[] = {
      "",
      "Bearer",
      "Bearer ",
      "Bearer wrong",
      "Bearer 1233XX",
      "Bearer 1233XXXX",
      "Bearer 1233xxx",
      "Basic MTIzM1hYWA==",
      "1233XXX",
      "Token 1233XXX",
      "Bearer compose-secret",  // another webhook's secret
      "Bearer 1233XXX new-5678",
  };
  for (const char* h : headers) {
    BOOST_TEST_CONTEXT("Authorization [" << h << "]") {
      Response r = Handle(Req("POST").Auth(h).Body(kDlr));
      ExpectError(r, 401, "unauthorized");
      BOOST_TEST(r.Header("WWW-Authenticate") == "Bearer");
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(NothingIsStoredWhateverTheRequestCarries) {
  const Req requests[] = {
      Req("GET").Auth(""),                                                   // a ping
      Req("GET").Auth("").Query("id=x&status=DELIVRD"),                      // a query DLR
      Req("POST").Auth("").Body("{not json"),                                // would be 400
      Req("POST").Auth("").Body(R"({"id":"x"})"),                            // would be 422
      Req("POST").Auth("Bearer no").Body(kDlr).State(BodyState::kTooLarge),  // would be 413
      Req("POST").Auth("").Body("").State(BodyState::kBadLength),
  };
  for (const Req& req : requests) {
    BOOST_TEST_CONTEXT(req.r.method << " ?" << req.r.query << " body " << req.r.body) {
      Response r = Handle(req);
      ExpectError(r, 401, "unauthorized");
      BOOST_TEST(r.Header("WWW-Authenticate") == "Bearer");
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(SchemeIsMatchedInAnyCase) {
  for (const char* h :
       {"bearer 1233XXX", "BEARER 1233XXX", "Bearer\t1233XXX", " Bearer 1233XXX "}) {
    BOOST_TEST_CONTEXT("Authorization [" << h << "]") { ExpectPing(Handle(Req("GET").Auth(h))); }
  }
}

BOOST_AUTO_TEST_CASE(EverySecretOfARotationIsAccepted) {
  ExpectStored(Handle(Req("POST").Auth("Bearer 1233XXX").Body(R"({"id":"r1","status":"DELIVRD"})")),
               1, 0);
  ExpectStored(
      Handle(Req("POST").Auth("Bearer new-5678").Body(R"({"id":"r2","status":"DELIVRD"})")), 1, 0);
  BOOST_TEST(memory.events().size() == 2u);
}

BOOST_AUTO_TEST_CASE(AWebhookWithoutSecretsIsOpen) {
  for (const char* h : {"", "Bearer anything", "Basic eDp5"}) {
    BOOST_TEST_CONTEXT("Authorization [" << h << "]") {
      ExpectPing(Handle(Req("GET", "/open").Auth(h)));
    }
  }
  ExpectStored(Handle(Req("POST", "/open").Auth("").Body(kDlr)), 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  BOOST_TEST(memory.events()[0].webhook == "open");
}

BOOST_AUTO_TEST_CASE(TheAnswerNeverShowsASecret) {
  Response r = Handle(Req("GET").Auth("Bearer 1233XX"));
  ExpectError(r, 401, "unauthorized");
  BOOST_TEST(r.body.find(kSecret) == std::string::npos, r.body);
  BOOST_TEST(r.body.find(kNewSecret) == std::string::npos, r.body);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// no webhook for the path -> 404 not_found
BOOST_FIXTURE_TEST_SUITE(NotFoundTest, Fixture)

BOOST_AUTO_TEST_CASE(UnknownPathIsNotFound) {
  for (const char* path : {"/", "/receive", "/receive/callback/x", "/RECEIVE/CALLBACK", ""}) {
    BOOST_TEST_CONTEXT("path [" << path << "]") {
      Response r = Handle(Req("POST", path).Body(kDlr));
      ExpectError(r, 404, "not_found");
      BOOST_TEST(r.headers.empty());
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(NotFoundComesBeforeEverythingElse) {
  ExpectError(Handle(Req("DELETE", "/nowhere").Auth("")), 404, "not_found");
  ExpectError(Handle(Req("POST", "/nowhere").Auth("").Body("{bad").State(BodyState::kTooLarge)),
              404, "not_found");
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(ASingleWebhookWithoutPathAnswersAnyPath) {
  config = ParseOrDie(R"({"database": "d", "webhooks": [{"name": "only", "secrets": ["s"]}]})");
  for (const char* path : {"/", "/receive/callback", "/some/where/else", ""}) {
    BOOST_TEST_CONTEXT("path [" << path << "]") {
      ExpectPing(Handle(Req("GET", path).Auth("Bearer s")));
    }
  }
  ExpectStored(Handle(Req("POST", "/x/y").Auth("Bearer s").Body(kDlr)), 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  BOOST_TEST(memory.events()[0].webhook == "only");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// another method -> 405 method_not_allowed, Allow header
BOOST_FIXTURE_TEST_SUITE(MethodNotAllowedTest, Fixture)

BOOST_AUTO_TEST_CASE(OtherMethodsAreRefusedWithAllow) {
  for (const char* method : {"DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "post", ""}) {
    BOOST_TEST_CONTEXT("method [" << method << "]") {
      Response r = Handle(Req(method).Body(kDlr));
      ExpectError(r, 405, "method_not_allowed");
      BOOST_TEST(r.Header("Allow") == "GET, POST, PUT");
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(MethodIsCheckedBeforeTheBearer) {
  Response r = Handle(Req("DELETE").Auth(""));
  ExpectError(r, 405, "method_not_allowed");
  BOOST_TEST(r.Header("Allow") == "GET, POST, PUT");
  ExpectNothingStored();
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// body larger than max_body_bytes -> 413 too_large; nothing stored
BOOST_FIXTURE_TEST_SUITE(TooLargeTest, Fixture)

BOOST_AUTO_TEST_CASE(TooLargeBodyIsRefusedAndNothingStored) {
  for (const char* method : {"POST", "PUT", "GET"}) {
    BOOST_TEST_CONTEXT("method " << method) {
      Response r = Handle(Req(method).Query("token=9012XX").State(BodyState::kTooLarge));
      ExpectError(r, 413, "too_large");
      BOOST_TEST(r.headers.empty());
    }
  }
  ExpectNothingStored();
}

BOOST_AUTO_TEST_CASE(TheMessageGivesTheLimit) {
  Response r = Handle(Req("POST").State(BodyState::kTooLarge));
  BOOST_TEST(StringMember(Body(r), "message").find("4096") != std::string::npos, r.body);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// body not parseable as JSON/form -> 400 bad_request; raw body kept in dlr_rejected
BOOST_FIXTURE_TEST_SUITE(BadRequestTest, Fixture)

BOOST_AUTO_TEST_CASE(UnparseableBodyIsKeptInRejected) {
  const std::string body = "{\"id\": \"x\", \"status\": ";
  Response r = Handle(Req("POST").Body(body));
  ExpectError(r, 400, "bad_request");
  BOOST_TEST(r.headers.empty());
  BOOST_TEST(memory.events().empty());
  BOOST_TEST(memory.messages().empty());
  BOOST_TEST_REQUIRE(memory.rejected().size() == 1u);
  const Rejected& rej = memory.rejected()[0];
  BOOST_TEST(rej.http_status == 400);
  BOOST_TEST(rej.error == "bad_request");
  BOOST_TEST(rej.webhook == "sms");
  BOOST_TEST(rej.remote_addr == kRemote);
  BOOST_TEST(rej.content_type == kJson);
  BOOST_TEST(rej.raw == body);
  BOOST_TEST(rej.reason == StringMember(Body(r), "message"));
  BOOST_TEST(IsUtcTime(rej.received_at), rej.received_at);
}

BOOST_AUTO_TEST_CASE(ARefusedQueryIsKeptWithoutTheToken) {
  Response r = Handle(Req("GET").Query("token=9012XX&id=q9"));  // an id without a status
  ExpectError(r, 422, "invalid_dlr");
  BOOST_TEST_REQUIRE(memory.rejected().size() == 1u);
  BOOST_TEST(memory.rejected()[0].raw == "id=q9");
}

BOOST_AUTO_TEST_CASE(EveryKindOfUnparseableBody) {
  const std::pair<std::string, std::string> cases[] = {
      {"{", kJson},
      {R"({"id":"x","status":"DELIVRD"} and more)", kJson},
      {"{\"id\":\"\xff\xfe\",\"status\":\"DELIVRD\"}", kJson},
      {"id=x&status=%ZZ", kForm},
      {"--b\r\nno end", "multipart/form-data; boundary=b"},
      {"id=x", "multipart/form-data"},
      {std::string("{\"id\":\"a\0b\"}", 12), kJson},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("body [" << c.first << "] type " << c.second) {
      size_t before = memory.rejected().size();
      ExpectError(Handle(Req("POST").Body(c.first, c.second)), 400, "bad_request");
      BOOST_TEST_REQUIRE(memory.rejected().size() == before + 1);
      BOOST_TEST(memory.rejected().back().raw == c.first);  // every byte
    }
  }
  BOOST_TEST(memory.events().empty());
}

BOOST_AUTO_TEST_CASE(BrokenQueryKeepsTheQueryWhenThereIsNoBody) {
  ExpectError(Handle(Req("GET").Query("id=x&status=%G1")), 400, "bad_request");
  BOOST_TEST_REQUIRE(memory.rejected().size() == 1u);
  BOOST_TEST(memory.rejected()[0].raw == "id=x&status=%G1");
  BOOST_TEST(memory.events().empty());
}

BOOST_AUTO_TEST_CASE(BadOrShortContentLengthIsABadRequest) {
  ExpectError(Handle(Req("POST").State(BodyState::kBadLength)), 400, "bad_request");
  ExpectError(Handle(Req("POST").Body(R"({"id":"x","sta)").State(BodyState::kTruncated)), 400,
              "bad_request");
  BOOST_TEST_REQUIRE(memory.rejected().size() == 2u);
  BOOST_TEST(memory.rejected()[1].raw == R"({"id":"x","sta)");
  BOOST_TEST(memory.events().empty());
}

BOOST_AUTO_TEST_CASE(ACompleteDlrCutShortIsNotStored) {
  // The part that arrived parses as a DLR; it must not be stored.
  ExpectError(Handle(Req("POST").Body("id=x&status=DELIVRD", kForm).State(BodyState::kTruncated)),
              400, "bad_request");
  BOOST_TEST(memory.events().empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// parseable, but a DLR lacks a non-empty id or status, or a field has an
// impossible type -> 422 invalid_dlr; the whole request rejected, raw kept
BOOST_FIXTURE_TEST_SUITE(InvalidDlrTest, Fixture)

BOOST_AUTO_TEST_CASE(MissingStatusIsRejectedAndKept) {
  const std::string body = R"({"id":"x","mobile":"91"})";
  Response r = Handle(Req("POST").Body(body));
  ExpectError(r, 422, "invalid_dlr");
  BOOST_TEST(StringMember(Body(r), "message").find("\"status\"") != std::string::npos, r.body);
  BOOST_TEST(memory.events().empty());
  BOOST_TEST_REQUIRE(memory.rejected().size() == 1u);
  const Rejected& rej = memory.rejected()[0];
  BOOST_TEST(rej.http_status == 422);
  BOOST_TEST(rej.error == "invalid_dlr");
  BOOST_TEST(rej.webhook == "sms");
  BOOST_TEST(rej.remote_addr == kRemote);
  BOOST_TEST(rej.raw == body);
  BOOST_TEST(rej.reason == StringMember(Body(r), "message"));
}

BOOST_AUTO_TEST_CASE(EveryKindOfInvalidDlr) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"status":"DELIVRD"})", kJson},
      {R"({"id":"","status":"DELIVRD"})", kJson},
      {R"({"id":"x","status":""})", kJson},
      {R"({"id":"x","status":true})", kJson},
      {R"({"id":{"a":1},"status":"DELIVRD"})", kJson},
      {R"({"id":"x","status":"DELIVRD","deliv_time":[]})", kJson},
      {"[]", kJson},
      {"42", kJson},
      {"id=x", kForm},
      {"status=DELIVRD&id=", kForm},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("body [" << c.first << "]") {
      size_t before = memory.rejected().size();
      ExpectError(Handle(Req("POST").Body(c.first, c.second)), 422, "invalid_dlr");
      BOOST_TEST_REQUIRE(memory.rejected().size() == before + 1);
      BOOST_TEST(memory.rejected().back().raw == c.first);
      BOOST_TEST(memory.rejected().back().http_status == 422);
    }
  }
  BOOST_TEST(memory.events().empty());
}

BOOST_AUTO_TEST_CASE(OneBadElementRejectsTheWholeArray) {
  const std::string body =
      R"([{"id":"a1","status":"DELIVRD"},{"id":"a2","status":"DELIVRD"},{"id":"a3"}])";
  ExpectError(Handle(Req("POST").Body(body)), 422, "invalid_dlr");
  BOOST_TEST(memory.events().empty());
  BOOST_TEST(memory.messages().empty());
  BOOST_TEST(store.commit_calls() == 0u);
  BOOST_TEST_REQUIRE(memory.rejected().size() == 1u);
  BOOST_TEST(memory.rejected()[0].raw == body);
}

BOOST_AUTO_TEST_CASE(ABodyWithNeitherIdNorStatusAndNoTokenIsInvalid) {
  const std::string body = R"({"validation_key":"9012XXXX","challenge":"a234qwe"})";
  ExpectError(Handle(Req("POST").Body(body)), 422, "invalid_dlr");
  ExpectError(Handle(Req("POST").Body("hello=world", kForm)), 422, "invalid_dlr");
  BOOST_TEST(memory.rejected().size() == 2u);
  BOOST_TEST(memory.events().empty());
}

BOOST_AUTO_TEST_CASE(AQueryDlrLackingStatusIsInvalid) {
  ExpectError(Handle(Req("GET").Query("id=q1")), 422, "invalid_dlr");
  BOOST_TEST_REQUIRE(memory.rejected().size() == 1u);
  BOOST_TEST(memory.rejected()[0].raw == "id=q1");
}

BOOST_AUTO_TEST_CASE(TheCustomersKeyIsNamed) {
  // The compose webhook reads message_status: "status" is not it.
  Response r = Handle(Req("POST", "/compose")
                          .Auth("Bearer compose-secret")
                          .Body(R"({"message_id":"m","status":"DELIVRD"})"));
  ExpectError(r, 422, "invalid_dlr");
  BOOST_TEST(StringMember(Body(r), "message").find("message_status") != std::string::npos, r.body);
  BOOST_TEST_REQUIRE(memory.rejected().size() == 1u);
  BOOST_TEST(memory.rejected()[0].webhook == "compose");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// storage unavailable -> 503 unavailable, Retry-After; nothing acknowledged
BOOST_FIXTURE_TEST_SUITE(StorageUnavailableTest, Fixture)

void Expect503(const Response& r) {
  ExpectError(r, 503, "unavailable");
  BOOST_TEST(r.Header("Retry-After") == "5");
  BOOST_TEST(r.body.find("stored") == std::string::npos, r.body);
}

BOOST_AUTO_TEST_CASE(FailedCommitIsA503AndNothingIsStored) {
  store.fail_commit_with(Status::Unavailable("the database is locked"));
  Expect503(Handle(Req("POST").Body(kDlr)));
  BOOST_TEST(store.commit_calls() == 1u);
  BOOST_TEST(memory.empty());
}

BOOST_AUTO_TEST_CASE(EveryKindOfDlrRequestGets503) {
  store.fail_commit_with(Status::Unavailable("server down"));
  Expect503(Handle(Req("GET").Query("id=g&status=DELIVRD")));
  Expect503(Handle(Req("PUT").Body("id=f&status=DELIVRD", kForm)));
  Expect503(Handle(Req("POST").Body(R"([{"id":"a","status":"S"},{"id":"b","status":"S"}])")));
  BOOST_TEST(memory.empty());
}

// handler.h: "storage (200 only once committed, else 503)".
BOOST_AUTO_TEST_CASE(AnInternalStorageFaultIsA503Too) {
  store.fail_commit_with(Status::Internal("the database schema is version 9"));
  Response r = Handle(Req("POST").Body(kDlr));
  BOOST_TEST(r.status != 200);
  Expect503(r);
  BOOST_TEST(memory.empty());
}

BOOST_AUTO_TEST_CASE(AFailureMidBatchStoresNoneOfIt) {
  memory.FailAtEvent(2, Status::Unavailable("disk full"));
  const std::string body =
      R"([{"id":"a1","status":"DELIVRD"},{"id":"a2","status":"DELIVRD"},{"id":"a3","status":"DELIVRD"}])";
  Expect503(Handle(Req("POST").Body(body)));
  BOOST_TEST(memory.empty());
  // The platform retries: now it goes in, whole.
  ExpectStored(Handle(Req("POST").Body(body)), 3, 0);
  BOOST_TEST(memory.events().size() == 3u);
}

BOOST_AUTO_TEST_CASE(RecoversWhenStorageComesBack) {
  store.fail_nth_commit_with(2, Status::Unavailable("locked"));
  ExpectStored(Handle(Req("POST").Body(R"({"id":"n1","status":"DELIVRD"})")), 1, 0);
  Expect503(Handle(Req("POST").Body(R"({"id":"n2","status":"DELIVRD"})")));
  ExpectStored(Handle(Req("POST").Body(R"({"id":"n3","status":"DELIVRD"})")), 1, 0);
  ExpectStored(Handle(Req("POST").Body(R"({"id":"n2","status":"DELIVRD"})")), 1, 0);  // the retry
  ExpectStored(Handle(Req("POST").Body(R"({"id":"n2","status":"DELIVRD"})")), 0, 1);
  BOOST_TEST(memory.events().size() == 3u);
}

BOOST_AUTO_TEST_CASE(FailureToKeepARejectedRequestIsA503) {
  for (const Status& failure : {Status::Unavailable("locked"), Status::Internal("broken")}) {
    BOOST_TEST_CONTEXT("RecordRejected fails with " << failure.ToString()) {
      store.fail_rejected_with(failure);
      Expect503(Handle(Req("POST").Body("{garbage")));              // would be 400
      Expect503(Handle(Req("POST").Body(R"({"id":"x"})")));         // would be 422
      Expect503(Handle(Req("POST").State(BodyState::kBadLength)));  // would be 400
    }
  }
  BOOST_TEST(memory.empty());
}

BOOST_AUTO_TEST_CASE(StorageIsNotTouchedForAnswersThatStoreNothing) {
  store.fail_commit_with(Status::Unavailable("down"));
  store.fail_rejected_with(Status::Unavailable("down"));
  ExpectPing(Handle(Req("GET")));
  ExpectHandshake(Handle(Req("GET").Query("token=9012XX")), nullptr, kKey);
  ExpectError(Handle(Req("GET").Query("token=x")), 403, "forbidden");
  ExpectError(Handle(Req("GET").Auth("")), 401, "unauthorized");
  BOOST_TEST(store.commit_calls() == 0u);
  BOOST_TEST(store.rejected_calls() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Every answer is one JSON object, with one of the contract's status codes.
BOOST_FIXTURE_TEST_SUITE(EveryAnswerTest, Fixture)

BOOST_AUTO_TEST_CASE(IsAJsonObjectWithAContractStatus) {
  const char* methods[] = {"GET", "POST", "PUT", "DELETE"};
  const char* paths[] = {kPath, "/open", "/compose", "/x"};
  const char* auths[] = {"Bearer 1233XXX", "", "Bearer compose-secret", "Bearer x"};
  const char* queries[] = {"",       "token=9012XX", "token=x&challenge=\xff%22", "id=q&status=S",
                           "id=%zz", "challenge=c"};
  const std::pair<const char*, const char*> bodies[] = {{"", kJson},
                                                        {kDlr, kJson},
                                                        {"{bad", kJson},
                                                        {R"({"id":"x"})", kJson},
                                                        {"message_id=m&message_status=S", kForm},
                                                        {"[]", kJson},
                                                        {"\xff\xfe", ""}};
  const BodyState states[] = {BodyState::kComplete, BodyState::kTooLarge, BodyState::kTruncated,
                              BodyState::kBadLength};
  const int allowed[] = {200, 400, 401, 403, 404, 405, 413, 422, 500, 503};
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    if (i % 500 == 250) store.fail_commit_with(Status::Unavailable("x"));
    if (i % 500 == 0) store.Heal();
    Req req(methods[rng() % 4], paths[rng() % 4]);
    req.Auth(auths[rng() % 4]).Query(queries[rng() % 6]);
    const auto& b = bodies[rng() % 7];
    req.Body(b.first, b.second).State(states[rng() % 8 < 5 ? 0 : rng() % 4]);
    Response r = Handle(req);
    BOOST_TEST_CONTEXT(req.r.method << " " << req.r.path << "?" << req.r.query << " [" << req.r.body
                                    << "] -> " << r.status << " " << r.body) {
      BOOST_TEST_REQUIRE(std::find(std::begin(allowed), std::end(allowed), r.status) !=
                         std::end(allowed));
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.data(), r.body.size());
      BOOST_TEST_REQUIRE(!doc.HasParseError());
      BOOST_TEST_REQUIRE(doc.IsObject());
      if (r.status != 200) BOOST_TEST_REQUIRE(doc["ok"].IsFalse());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Log lines: refusals are logged, and never with a secret or the key.
BOOST_AUTO_TEST_SUITE(HandlerLogTest)

void Discard(void*, const std::string&) {}

void Collect(void* context, const std::string& line) {
  static_cast<std::vector<std::string>*>(context)->push_back(line);
}

// Collects this thread's log lines at every level while it lives.
class LogCapture {
 public:
  LogCapture() {
    SetLogLevel(LogLevel::kInfo);
    SetThreadLogWriter(&Collect, &lines_);
  }
  ~LogCapture() {
    SetThreadLogWriter(&Discard, nullptr);  // as tests/test_main.cc left it
    SetLogLevel(LogLevel::kError);
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

BOOST_FIXTURE_TEST_CASE(NoSecretOrValidationKeyIsEverLogged, Fixture) {
  LogCapture capture;
  Handle(Req("GET").Auth("Bearer 1233XX"));                         // 401, near miss
  Handle(Req("GET").Auth("Bearer new-567"));                        // 401
  Handle(Req("GET").Query("token=9012X"));                          // 403
  Handle(Req("GET", "/open").Auth("").Query("token=9012XX"));       // 403, no key
  Handle(Req("GET").Query("token=9012XX"));                         // 200 handshake
  Handle(Req("POST").Query("token=9012XX").Body("{bad"));           // 400
  Handle(Req("POST").Query("token=9012XX").Body(R"({"id":"x"})"));  // 422
  Handle(Req("POST").State(BodyState::kTooLarge));                  // 413
  store.fail_commit_with(Status::Unavailable("locked"));
  Handle(Req("POST").Query("token=9012XX").Body(kDlr));  // 503
  BOOST_TEST_REQUIRE(capture.lines().size() >= 7u);
  bool saw_401 = false, saw_403 = false, saw_503 = false;
  for (const std::string& line : capture.lines()) {
    BOOST_TEST_CONTEXT("log line " << line) {
      BOOST_TEST(line.find(kSecret) == std::string::npos);
      BOOST_TEST(line.find(kNewSecret) == std::string::npos);
      BOOST_TEST(line.find("compose-secret") == std::string::npos);
      BOOST_TEST(line.find(kKey) == std::string::npos);
      BOOST_TEST(line.find("9012X") == std::string::npos);  // nor the near miss
      BOOST_TEST(line.find("1233XX") == std::string::npos);
    }
    saw_401 = saw_401 || line.find("unauthorized") != std::string::npos;
    saw_403 = saw_403 || line.find("forbidden") != std::string::npos;
    saw_503 = saw_503 || line.find("storage") != std::string::npos;
  }
  BOOST_TEST(saw_401);
  BOOST_TEST(saw_403);
  BOOST_TEST(saw_503);
}

BOOST_FIXTURE_TEST_CASE(RefusalsAreLoggedWithTheirContext, Fixture) {
  LogCapture capture;
  Req req("GET");
  req.r.remote_addr = "198.51.100.7";
  req.r.request_id = "rid-42";
  req.r.authorization = "Bearer wrong";
  BOOST_TEST(Handle(req).status == 401);
  BOOST_TEST_REQUIRE(capture.lines().size() == 1u);
  const std::string& line = capture.lines()[0];
  BOOST_TEST(line.find(" warning: refused (unauthorized)") != std::string::npos, line);
  BOOST_TEST(line.find("webhook=sms") != std::string::npos, line);
  BOOST_TEST(line.find("remote=198.51.100.7") != std::string::npos, line);
  BOOST_TEST(line.find("request_id=rid-42") != std::string::npos, line);
  Req missing("GET", "/nowhere");
  missing.r.request_id = "rid-43";
  BOOST_TEST(Handle(missing).status == 404);
  BOOST_TEST_REQUIRE(capture.lines().size() == 2u);
  BOOST_TEST(capture.lines()[1].find("refused (not_found)") != std::string::npos);
  BOOST_TEST(capture.lines()[1].find("request_id=rid-43") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(TheBodyIsNeverLoggedAtWarning, Fixture) {
  LogCapture capture;
  SetLogLevel(LogLevel::kWarning);
  BOOST_TEST(Handle(Req("POST").Body(R"({"id": "body-marker-1"})")).status == 422);
  BOOST_TEST(Handle(Req("POST").Body("{body-marker-2")).status == 400);
  BOOST_TEST_REQUIRE(capture.lines().size() == 2u);
  for (const std::string& line : capture.lines()) {
    BOOST_TEST(line.find("body-marker") == std::string::npos, line);
  }
}

BOOST_FIXTURE_TEST_CASE(MetricsCountAnswersDlrsAndCommits, Fixture) {
  std::unique_ptr<Metrics> m = Metrics::InMemory();
  BOOST_TEST(HandleRequest(Req("POST").Body(kDlr).r, config, store, clock, m.get()).status == 200);
  BOOST_TEST(HandleRequest(Req("POST").Body(kDlr).r, config, store, clock, m.get()).status == 200);
  BOOST_TEST(HandleRequest(Req("POST").Body("{bad").r, config, store, clock, m.get()).status ==
             400);
  BOOST_TEST(HandleRequest(Req("GET").Auth("").r, config, store, clock, m.get()).status == 401);
  std::string text = m->Render();
  for (const char* want :
       {"dlr_webhook_requests_total{code=\"200\"} 2\n",
        "dlr_webhook_requests_total{code=\"400\"} 1\n",
        "dlr_webhook_requests_total{code=\"401\"} 1\n", "dlr_webhook_dlrs_stored_total 1\n",
        "dlr_webhook_dlrs_duplicate_total 1\n", "dlr_webhook_rejected_total 1\n",
        "dlr_webhook_dlrs_total{status=\"DELIVRD\"} 2\n", "dlr_webhook_commit_seconds_count 2\n"}) {
    BOOST_TEST(text.find(want) != std::string::npos, want << " in\n" << text);
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// The time comes from the Clock HandleRequest is given, never from the
// machine's: received_at of what is stored, and the commit's duration.

namespace {

// 2026-03-15T12:34:56.789Z
constexpr int64_t kThen = 1773578096789;

// A store whose every Commit takes `millis` on `clock`.
class SlowStore : public StoreWriter {
 public:
  SlowStore(StoreWriter* base, test::FakeClock* clock, int64_t millis)
      : base_(base), clock_(clock), millis_(millis) {}
  Status EnsureSchema() override { return base_->EnsureSchema(); }
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override {
    clock_->AdvanceMillis(millis_);
    return base_->Commit(batches, results);
  }
  Status RecordRejected(const Rejected& rejected) override {
    return base_->RecordRejected(rejected);
  }

 private:
  StoreWriter* const base_;
  test::FakeClock* const clock_;
  const int64_t millis_;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(HandlerClockTest, Fixture)

BOOST_AUTO_TEST_CASE(AStoredBatchIsReceivedAtTheClocksTime) {
  clock.SetMillis(kThen);
  ExpectStored(Handle(Req("POST").Body(kDlr)), 1, 0);
  clock.AdvanceMillis(61001);
  ExpectStored(Handle(Req("POST").Body(R"({"id": "msg-2", "status": "DELIVRD"})")), 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 2u);
  BOOST_TEST(memory.events()[0].received_at == "2026-03-15T12:34:56.789Z");
  BOOST_TEST(memory.events()[1].received_at == "2026-03-15T12:35:57.790Z");
}

BOOST_AUTO_TEST_CASE(ARefusedRequestIsReceivedAtTheClocksTime) {
  clock.SetMillis(kThen);
  ExpectError(Handle(Req("POST").Body("{bad")), 400, "bad_request");
  clock.SetMillis(0);
  ExpectError(Handle(Req("POST").Body(R"({"id": "no-status"})")), 422, "invalid_dlr");
  BOOST_TEST_REQUIRE(memory.rejected().size() == 2u);
  BOOST_TEST(memory.rejected()[0].received_at == "2026-03-15T12:34:56.789Z");
  BOOST_TEST(memory.rejected()[1].received_at == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(TheCommitIsTimedOnTheClocksMonotonicReading) {
  clock.SetMillis(kThen);
  SlowStore slow(&memory, &clock, 300);
  std::unique_ptr<Metrics> m = Metrics::InMemory();
  Response r = HandleRequest(Req("POST").Body(kDlr).r, config, slow, clock, m.get());
  ExpectStored(r, 1, 0);
  BOOST_TEST_REQUIRE(memory.events().size() == 1u);
  // Stamped before the commit began.
  BOOST_TEST(memory.events()[0].received_at == "2026-03-15T12:34:56.789Z");
  std::string text = m->Render();
  for (const char* want : {"dlr_webhook_commit_seconds_bucket{le=\"0.25\"} 0\n",
                           "dlr_webhook_commit_seconds_bucket{le=\"0.5\"} 1\n",
                           "dlr_webhook_commit_seconds_sum 0.3\n"}) {
    BOOST_TEST(text.find(want) != std::string::npos, want << " in\n" << text);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
