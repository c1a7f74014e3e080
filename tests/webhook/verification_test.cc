#define BOOST_TEST_DYN_LINK
#include "common/webhook/verification.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

#include "tests/testing/test_util.h"

namespace dlr {

namespace {

struct TokenCase {
  std::string token;
  std::optional<std::string> key;
  bool want_ok;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(CheckTokenTest)

BOOST_AUTO_TEST_CASE(AcceptsOnlyTheExactValidationKey) {
  const TokenCase cases[] = {
      {"9012XX", std::string("9012XX"), true},
      {"9012xx", std::string("9012XX"), false},   // case-sensitive
      {"9012X", std::string("9012XX"), false},    // a prefix
      {"9012XXX", std::string("9012XX"), false},  // an extension
      {"", std::string("9012XX"), false},
      {" 9012XX", std::string("9012XX"), false},  // not trimmed
      {"9012XX", std::nullopt, false},            // the webhook has no key
      {"", std::nullopt, false},
  };
  for (const TokenCase& c : cases) {
    BOOST_TEST_CONTEXT("token [" << c.token << "] key [" << c.key.value_or("(none)") << "]") {
      Status s = CheckToken(c.token, c.key);
      BOOST_TEST(s.ok() == c.want_ok);
      if (!c.want_ok) BOOST_TEST(s.code() == StatusCode::kPermissionDenied);
    }
  }
}

BOOST_AUTO_TEST_CASE(RefusalNeverShowsTheKeyOrTheToken) {
  Status s = CheckToken("guess-9012", std::string("key-9012XX"));
  BOOST_TEST_REQUIRE(!s.ok());
  BOOST_TEST(s.message().find("key-9012XX") == std::string::npos);
  BOOST_TEST(s.message().find("guess-9012") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(HandshakeResponseTest)

BOOST_AUTO_TEST_CASE(EchoesTheChallengeAndTheValidationKey) {
  Response r = HandshakeResponse(std::string("a234qwe"), "9012XX");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.headers.empty());
  BOOST_TEST(r.body == R"({"challenge":"a234qwe","validation_key":"9012XX"})");
}

BOOST_AUTO_TEST_CASE(LeavesOutTheChallengeWhenNoneWasSent) {
  Response r = HandshakeResponse(std::nullopt, "9012XX");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == R"({"validation_key":"9012XX"})");
}

BOOST_AUTO_TEST_CASE(EchoesAnEmptyChallenge) {
  Response r = HandshakeResponse(std::string(), "k");
  BOOST_TEST(r.body == R"({"challenge":"","validation_key":"k"})");
}

BOOST_AUTO_TEST_CASE(EscapesAChallengeSoTheAnswerStaysValidJson) {
  const std::string challenge = "a\"b\\c\n</script>\x01";
  Response r = HandshakeResponse(challenge, "9012XX");
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  BOOST_TEST_REQUIRE(!doc.HasParseError(), r.body);
  BOOST_TEST_REQUIRE(doc.IsObject());
  BOOST_TEST_REQUIRE(doc["challenge"].IsString());
  BOOST_TEST(std::string(doc["challenge"].GetString(), doc["challenge"].GetStringLength()) ==
             challenge);
  BOOST_TEST(std::string(doc["validation_key"].GetString()) == "9012XX");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
