#define BOOST_TEST_DYN_LINK
#include "common/http/auth.h"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dlr {
namespace {

struct BearerCase {
  std::string header;
  std::optional<std::string> want;  // nullopt: refused
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ParseBearerTest)

BOOST_AUTO_TEST_CASE(ParsesGoodAndRefusesBadHeaders) {
  const BearerCase cases[] = {
      {"Bearer 1233XXX", "1233XXX"},
      {"bearer 1233XXX", "1233XXX"},  // the scheme in any case
      {"BEARER 1233XXX", "1233XXX"},
      {"BeArEr 1233XXX", "1233XXX"},
      {"Bearer\t1233XXX", "1233XXX"},  // tabs separate too
      {"Bearer  \t 1233XXX", "1233XXX"},
      {"  Bearer 1233XXX  ", "1233XXX"},  // surrounding whitespace dropped
      {"\tBearer 1233XXX\t", "1233XXX"},
      {"Bearer x", "x"},
      {"Bearer a.b-c_d~e+f/g=", "a.b-c_d~e+f/g="},  // RFC 6750 token68 characters
      {"Bearer CaseMatters", "CaseMatters"},        // the token keeps its case
      // Refused:
      {"", std::nullopt},
      {"Bearer", std::nullopt},  // no token
      {"Bearer ", std::nullopt},
      {"Bearer \t ", std::nullopt},
      {"Bearer1233XXX", std::nullopt},  // no separator
      {"Basic dXNlcjpwYXNz", std::nullopt},
      {"Token 1233XXX", std::nullopt},
      {"Bear 1233XXX", std::nullopt},
      {"Bearerx 1233XXX", std::nullopt},
      {"1233XXX", std::nullopt},
      {"Bearer 1233 XXX", std::nullopt},  // a token holding a space
      {"Bearer 1233\tXXX", std::nullopt},
      {"Bearer a b c", std::nullopt},
      {" ", std::nullopt},
  };
  for (const BearerCase& c : cases) {
    BOOST_TEST_CONTEXT("header [" << c.header << "]") {
      std::optional<std::string_view> got = ParseBearer(c.header);
      BOOST_TEST(got.has_value() == c.want.has_value());
      if (got && c.want) BOOST_TEST(std::string(*got) == *c.want);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ConstantTimeEqualsTest)

struct EqualsCase {
  std::string presented;
  std::string secret;
  bool want;
};

BOOST_AUTO_TEST_CASE(TrueOnlyForEqualStrings) {
  const EqualsCase cases[] = {
      {"1233XXX", "1233XXX", true},
      {"", "", true},
      {std::string("a\0b", 3), std::string("a\0b", 3), true},
      {"1233XX", "1233XXX", false},    // a prefix
      {"1233XXXX", "1233XXX", false},  // an extension
      {"1233XXX1233XXX", "1233XXX", false},
      {"", "1233XXX", false},
      {"1233XXX", "", false},
      {"1233XXY", "1233XXX", false},  // last byte off
      {"0233XXX", "1233XXX", false},  // first byte off
      {"1234XXX", "1233XXX", false},  // a middle byte off
      {"1233xxx", "1233XXX", false},  // case matters
      {"a", "b", false},
      {std::string("a\0", 2), "a", false},
      {"a", std::string("a\0", 2), false},
      {"\xff", "\x7f", false},  // differs in the high bit only
  };
  for (const EqualsCase& c : cases) {
    BOOST_TEST_CONTEXT("presented [" << c.presented << "] secret [" << c.secret << "]") {
      BOOST_TEST(ConstantTimeEquals(c.presented, c.secret) == c.want);
    }
  }
}

BOOST_AUTO_TEST_CASE(RepeatingThePresentedTokenDoesNotMatchALongerSecret) {
  // The comparison walks the secret with the presented bytes repeated; a
  // repetition of the right length is still refused only by its content.
  BOOST_TEST(!ConstantTimeEquals("ab", "abab"));
  BOOST_TEST(!ConstantTimeEquals("abab", "ab"));
  BOOST_TEST(!ConstantTimeEquals("a", "aaaa"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(BearerAuthorizedTest)

BOOST_AUTO_TEST_CASE(NoSecretsMeansNotAuthenticated) {
  BOOST_TEST(BearerAuthorized("", {}));
  BOOST_TEST(BearerAuthorized("Bearer anything", {}));
  BOOST_TEST(BearerAuthorized("Basic dXNlcjpwYXNz", {}));
}

BOOST_AUTO_TEST_CASE(AcceptsAnyOfSeveralSecrets) {
  const std::vector<std::string> secrets = {"old-secret", "new-secret"};
  BOOST_TEST(BearerAuthorized("Bearer old-secret", secrets));
  BOOST_TEST(BearerAuthorized("Bearer new-secret", secrets));
  BOOST_TEST(BearerAuthorized("bearer\tnew-secret ", secrets));
}

BOOST_AUTO_TEST_CASE(RefusesMissingWrongOrMalformedCredentials) {
  const std::vector<std::string> secrets = {"old-secret", "new-secret"};
  const char* refused[] = {
      "",
      "Bearer",
      "Bearer ",
      "Bearer other",
      "Bearer old-secre",
      "Bearer old-secretX",
      "Bearer OLD-SECRET",
      "Bearer old-secret new-secret",
      "Basic old-secret",
      "old-secret",
      "Bearerold-secret",
  };
  for (const char* h : refused) {
    BOOST_TEST_CONTEXT("header [" << h << "]") { BOOST_TEST(!BearerAuthorized(h, secrets)); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr

// Whole-length comparison, checked position by position.
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

BOOST_AUTO_TEST_SUITE(ParseBasicTest)

BOOST_AUTO_TEST_CASE(ParsesGoodAndRefusesBadHeaders) {
  struct Case {
    std::string header;
    bool ok;
    std::string user, password;
  };
  const Case cases[] = {
      {"Basic b3BzOnBhZ2UtcGFzcw==", true, "ops", "page-pass"},  // ops:page-pass
      {"basic b3BzOnBhZ2UtcGFzcw==", true, "ops", "page-pass"},
      {"  BASIC\tb3BzOnBhZ2UtcGFzcw==  ", true, "ops", "page-pass"},
      {"Basic OnBhc3M=", true, "", "pass"},           // :pass, no user name
      {"Basic YTpiOmM=", true, "a", "b:c"},           // a:b:c: the password keeps its ':'
      {"Basic YTo=", true, "a", ""},                  // a:
      {"Basic YWJj", false, "", ""},                  // abc: no ':'
      {"Basic b3BzOnBhZ2UtcGFzcw", false, "", ""},    // padding missing
      {"Basic b3BzOnBhZ2UtcGFzcw=!", false, "", ""},  // not base64
      {"Basic YTo=YTo=", false, "", ""},              // padding inside
      {"Basic YTp=", false, "", ""},                  // non-zero bits after the data
      {"Basic", false, "", ""},
      {"Basic ", false, "", ""},
      {"Bearer b3BzOnBhZ2UtcGFzcw==", false, "", ""},
      {"Basicb3BzOnBhZ2UtcGFzcw==", false, "", ""},
      {"Basic b3Bz OnBhZ2UtcGFzcw==", false, "", ""},
      {"", false, "", ""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("header [" << c.header << "]") {
      std::optional<BasicCredentials> got = ParseBasic(c.header);
      BOOST_TEST(got.has_value() == c.ok);
      if (got && c.ok) {
        BOOST_TEST(got->user == c.user);
        BOOST_TEST(got->password == c.password);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
