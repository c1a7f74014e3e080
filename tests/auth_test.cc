// Bearer parsing and the constant-time comparison of secrets.
#define BOOST_TEST_DYN_LINK
#include "common/auth.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace dlr {
namespace {

BOOST_AUTO_TEST_SUITE(AuthTest)

BOOST_AUTO_TEST_CASE(ConstantTimeEqualsAcceptsOnlyTheWholeSecret) {
  const std::string secret = "1233XXX-rotating-Secret";
  BOOST_TEST(ConstantTimeEquals(secret, secret));
  BOOST_TEST(!ConstantTimeEquals("", secret));
  for (size_t n = 1; n < secret.size(); ++n) {
    BOOST_TEST_CONTEXT("prefix of " << n << " bytes") {
      BOOST_TEST(!ConstantTimeEquals(secret.substr(0, n), secret));
    }
  }
  BOOST_TEST(!ConstantTimeEquals(secret + "x", secret));
  BOOST_TEST(!ConstantTimeEquals(secret + secret, secret));
  BOOST_TEST(!ConstantTimeEquals(secret + std::string(1, '\0'), secret));
  // a repetition of a prefix has the right length but the wrong bytes
  BOOST_TEST(!ConstantTimeEquals(std::string(secret.size(), secret[0]), secret));
}

BOOST_AUTO_TEST_CASE(ConstantTimeEqualsFindsADifferenceAtAnyPosition) {
  const std::string secret = "abcdefghijklmnop";
  for (size_t i = 0; i < secret.size(); ++i) {
    std::string p = secret;
    p[i] ^= 0x01;
    BOOST_TEST_CONTEXT("byte " << i) { BOOST_TEST(!ConstantTimeEquals(p, secret)); }
  }
}

BOOST_AUTO_TEST_CASE(ConstantTimeEqualsMatchesPlainEqualityOnMixedInputs) {
  const std::vector<std::string> v = {"",
                                      "a",
                                      "b",
                                      "ab",
                                      "ba",
                                      "abc",
                                      std::string("a\0c", 3),
                                      std::string(64, 'q'),
                                      std::string(65, 'q')};
  for (const std::string& a : v) {
    for (const std::string& b : v) {
      BOOST_TEST(ConstantTimeEquals(a, b) == (a == b), "[" << a << "] vs [" << b << "]");
    }
  }
}

BOOST_AUTO_TEST_CASE(BearerAuthorizedRefusesPrefixAndExtensionOfEverySecret) {
  const std::vector<std::string> secrets = {"old-Secret-1", "new-Secret-22"};
  BOOST_TEST(BearerAuthorized("Bearer old-Secret-1", secrets));
  BOOST_TEST(BearerAuthorized("bearer new-Secret-22", secrets));
  BOOST_TEST(!BearerAuthorized("Bearer old-Secret-", secrets));
  BOOST_TEST(!BearerAuthorized("Bearer old-Secret-12", secrets));
  BOOST_TEST(!BearerAuthorized("Bearer new-Secret-2", secrets));
  BOOST_TEST(!BearerAuthorized("Bearer new-Secret-222", secrets));
  BOOST_TEST(!BearerAuthorized("Bearer OLD-SECRET-1", secrets));
  BOOST_TEST(!BearerAuthorized("Basic b2xkLVNlY3JldC0x", secrets));
  BOOST_TEST(!BearerAuthorized("", secrets));
  BOOST_TEST(BearerAuthorized("", {}));
}

BOOST_AUTO_TEST_CASE(ParseBearerTakesOneTokenAfterACaseInsensitiveScheme) {
  BOOST_TEST(ParseBearer("Bearer abc").value_or("-") == "abc");
  BOOST_TEST(ParseBearer("  BEARER\tabc  ").value_or("-") == "abc");
  BOOST_TEST(!ParseBearer("Bearer").has_value());
  BOOST_TEST(!ParseBearer("Bearer ").has_value());
  BOOST_TEST(!ParseBearer("Bearerabc").has_value());
  BOOST_TEST(!ParseBearer("Bearer a b").has_value());
  BOOST_TEST(!ParseBearer("Token abc").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
