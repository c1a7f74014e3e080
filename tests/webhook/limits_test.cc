// The request limits: their defaults, their config keys, and how ParsePayload
// enforces them (413 for too many DLRs, 422 for a long field or deep JSON).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <string>

#include "common/webhook/config.h"
#include "common/webhook/payload.h"
#include "tests/testing/test_util.h"

namespace dlr {

namespace {

StatusOr<Payload> ParseJsonBody(const std::string& body, const Limits& limits) {
  return ParsePayload(body, "application/json", "", Params(), FieldNames(), limits);
}

std::string Objects(size_t n) {
  std::string body = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i) body += ",";
    body += "{\"id\":\"m" + std::to_string(i) + "\",\"status\":\"DELIVRD\"}";
  }
  return body + "]";
}

std::string Config(const std::string& extra) {
  return "{\"database\": \"/tmp/x.sqlite\", " + extra + " \"webhooks\": [{\"name\": \"sms\"}]}";
}

BOOST_AUTO_TEST_SUITE(LimitsTest)

BOOST_AUTO_TEST_CASE(DefaultsAreSafeAndUsedWhenTheConfigSaysNothing) {
  StatusOr<dlr::Config> c = ParseConfig(Config(""), "");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.value().max_body_bytes == kDefaultMaxBodyBytes);
  BOOST_TEST(c.value().limits.max_array_length == kDefaultMaxArrayLength);
  BOOST_TEST(c.value().limits.max_field_bytes == kDefaultMaxFieldBytes);
  BOOST_TEST(c.value().limits.max_json_depth == kDefaultMaxJsonDepth);
  BOOST_TEST(kDefaultMaxArrayLength <= 10000u);
  BOOST_TEST(kDefaultMaxFieldBytes <= kDefaultMaxBodyBytes);
  BOOST_TEST(kDefaultMaxJsonDepth <= 64u);
}

BOOST_AUTO_TEST_CASE(ConfigSetsEachLimit) {
  StatusOr<dlr::Config> c = ParseConfig(
      Config("\"max_array_length\": 7, \"max_field_bytes\": 300, \"max_json_depth\": 4,"), "");
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.value().limits.max_array_length == 7u);
  BOOST_TEST(c.value().limits.max_field_bytes == 300u);
  BOOST_TEST(c.value().limits.max_json_depth == 4u);
}

BOOST_AUTO_TEST_CASE(ConfigRefusesOutOfRangeOrMistypedLimitsNamingTheKey) {
  const char* bad[] = {
      "\"max_array_length\": 0,",  "\"max_array_length\": 100001,",
      "\"max_array_length\": -1,", "\"max_array_length\": \"10\",",
      "\"max_field_bytes\": 0,",   "\"max_field_bytes\": 67108865,",
      "\"max_field_bytes\": 1.5,", "\"max_json_depth\": 0,",
      "\"max_json_depth\": 1001,", "\"max_json_depth\": true,",
  };
  for (const char* extra : bad) {
    StatusOr<dlr::Config> c = ParseConfig(Config(extra), "");
    BOOST_TEST_CONTEXT(extra) {
      BOOST_REQUIRE(!c.ok());
      BOOST_TEST(c.status().code() == StatusCode::kInvalidArgument);
      std::string key(extra + 1, std::string(extra + 1).find('"'));
      BOOST_TEST(c.status().message().find(key) != std::string::npos, c.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(ArrayUpToTheLimitIsAccepted) {
  Limits limits;
  limits.max_array_length = 5;
  StatusOr<Payload> p = ParseJsonBody(Objects(5), limits);
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.size() == 5u);
}

BOOST_AUTO_TEST_CASE(ArrayOverTheLimitIsTooLarge) {
  Limits limits;
  limits.max_array_length = 5;
  StatusOr<Payload> p = ParseJsonBody(Objects(6), limits);
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kTooLarge);
  BOOST_TEST(p.status().message().find("max_array_length") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ArrayLimitCountsOnlyTopLevelElements) {
  Limits limits;
  limits.max_array_length = 1;
  // one DLR carrying an unknown key holding a long array: still one element
  StatusOr<Payload> p = ParseJsonBody(
      "[{\"id\":\"a\",\"status\":\"DELIVRD\",\"extra\":[1,2,3,4,5,6,7,8,9]}]", limits);
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.size() == 1u);
}

BOOST_AUTO_TEST_CASE(FieldAtTheLimitIsAcceptedAndOneByteMoreIsUnprocessable) {
  Limits limits;
  limits.max_field_bytes = 16;
  std::string ok_id(16, 'x');
  StatusOr<Payload> p = ParseJsonBody("{\"id\":\"" + ok_id + "\",\"status\":\"DELIVRD\"}", limits);
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  BOOST_TEST(*p.value().dlrs[0].Get(Field::kId) == ok_id);

  p = ParseJsonBody(
      "{\"id\":\"a\",\"status\":\"DELIVRD\",\"custom\":\"" + std::string(17, 'y') + "\"}", limits);
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);
  BOOST_TEST(p.status().message().find("\"custom\"") != std::string::npos);
  BOOST_TEST(p.status().message().find("max_field_bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(FieldLimitAppliesToFormsQueriesAndMultipart) {
  Limits limits;
  limits.max_field_bytes = 8;
  std::string longv(9, 'z');
  StatusOr<Payload> form =
      ParsePayload("id=a&status=DELIVRD&mobile=" + longv, "application/x-www-form-urlencoded", "",
                   Params(), FieldNames(), limits);
  BOOST_REQUIRE(!form.ok());
  BOOST_TEST(form.status().code() == StatusCode::kUnprocessable);

  // escapes are counted after decoding: 8 bytes sent as 24 characters is within the limit
  StatusOr<Payload> encoded =
      ParsePayload("id=%41%41%41%41%41%41%41%41&status=DELIVRD",
                   "application/x-www-form-urlencoded", "", Params(), FieldNames(), limits);
  BOOST_REQUIRE_MESSAGE(encoded.ok(), encoded.status().ToString());

  Params query = {{"id", "a"}, {"status", longv}};
  StatusOr<Payload> q = ParsePayload("", "", "id=a&status=" + longv, query, FieldNames(), limits);
  BOOST_REQUIRE(!q.ok());
  BOOST_TEST(q.status().code() == StatusCode::kUnprocessable);

  std::string mp =
      "--B\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n" + longv +
      "\r\n--B\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nDELIVRD\r\n--B--\r\n";
  StatusOr<Payload> m =
      ParsePayload(mp, "multipart/form-data; boundary=B", "", Params(), FieldNames(), limits);
  BOOST_REQUIRE(!m.ok());
  BOOST_TEST(m.status().code() == StatusCode::kUnprocessable);
}

BOOST_AUTO_TEST_CASE(JsonAtTheDepthLimitIsAcceptedAndDeeperIsUnprocessable) {
  Limits limits;
  limits.max_json_depth = 3;
  // depth 3: array > object > object (an unknown key)
  StatusOr<Payload> p =
      ParseJsonBody("[{\"id\":\"a\",\"status\":\"DELIVRD\",\"x\":{\"y\":1}}]", limits);
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  p = ParseJsonBody("[{\"id\":\"a\",\"status\":\"DELIVRD\",\"x\":{\"y\":[1]}}]", limits);
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);
  BOOST_TEST(p.status().message().find("max_json_depth") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(VeryDeepJsonIsRefusedWithoutRecursion) {
  std::string deep(200000, '[');
  deep += std::string(200000, ']');
  StatusOr<Payload> p = ParseJsonBody(deep, Limits());
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);
  // unbalanced and deep: the depth is what is reported, found before the end
  p = ParseJsonBody(std::string(200000, '{'), Limits());
  BOOST_REQUIRE(!p.ok());
}

BOOST_AUTO_TEST_CASE(InvalidJsonWithinTheLimitsIsABadRequest) {
  StatusOr<Payload> p = ParseJsonBody("[[[[", Limits());
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(NulByteAfterTheJsonValueIsABadRequest) {
  std::string body = "{\"id\":\"a\",\"status\":\"DELIVRD\"}";
  body.push_back('\0');
  body += "trailing";
  StatusOr<Payload> p = ParseJsonBody(body, Limits());
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(p.status().message().find("NUL") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(NulByteInsideAJsonStringIsABadRequest) {
  std::string body = "{\"id\":\"a";
  body.push_back('\0');
  body += "b\",\"status\":\"DELIVRD\"}";
  StatusOr<Payload> p = ParseJsonBody(body, Limits());
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(EscapedNulInsideAJsonStringIsKeptVerbatim) {
  StatusOr<Payload> p = ParseJsonBody("{\"id\":\"a\\u0000b\",\"status\":\"DELIVRD\"}", Limits());
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  BOOST_TEST(*p.value().dlrs[0].Get(Field::kId) == std::string("a\0b", 3));
}

BOOST_AUTO_TEST_CASE(HugeNumbersAreKeptAsTheirText) {
  std::string big(300, '9');  // far past 64 bits, still below the largest double
  StatusOr<Payload> p = ParseJsonBody("{\"id\":\"a\",\"status\":\"DELIVRD\",\"units\":" + big +
                                          ",\"credits\":-1.5e-308,\"cid\":18446744073709551616}",
                                      Limits());
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  BOOST_TEST(*p.value().dlrs[0].Get(Field::kUnits) == big);
  BOOST_TEST(*p.value().dlrs[0].Get(Field::kCredits) == "-1.5e-308");
  BOOST_TEST(*p.value().dlrs[0].Get(Field::kCid) == "18446744073709551616");
}

BOOST_AUTO_TEST_CASE(NumbersPastTheLargestDoubleAreABadRequest) {
  // RapidJSON refuses them even when numbers are kept as text.
  for (std::string n : {std::string(400, '9'), std::string("1e999999")}) {
    StatusOr<Payload> p =
        ParseJsonBody("{\"id\":\"a\",\"status\":\"DELIVRD\",\"units\":" + n + "}", Limits());
    BOOST_REQUIRE(!p.ok());
    BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
  }
}

BOOST_AUTO_TEST_CASE(InvalidUtf8IsABadRequest) {
  StatusOr<Payload> p = ParseJsonBody("{\"id\":\"\xff\xfe\",\"status\":\"DELIVRD\"}", Limits());
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(DuplicateKeysKeepTheFirst) {
  StatusOr<Payload> p =
      ParseJsonBody("{\"id\":\"first\",\"id\":\"second\",\"status\":\"DELIVRD\"}", Limits());
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  BOOST_TEST(*p.value().dlrs[0].Get(Field::kId) == "first");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
