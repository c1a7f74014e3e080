#define BOOST_TEST_DYN_LINK
#include "common/http/query.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "tests/testing/test_util.h"

namespace dlr {

namespace {

using test::Bytes;

struct DecodeCase {
  std::string in;
  bool plus_is_space;
  std::string want;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(PercentDecodeTest)

BOOST_AUTO_TEST_CASE(DecodesGoodInputs) {
  const DecodeCase cases[] = {
      {"", false, ""},
      {"plain", false, "plain"},
      {"a%20b", false, "a b"},
      {"%41%42%43", false, "ABC"},
      {"%4a%4A", false, "JJ"},  // hex digits in either case
      {"%2B", true, "+"},       // an encoded '+' stays a '+'
      {"a+b", true, "a b"},
      {"a+b", false, "a+b"},  // paths: '+' is a '+'
      {"%25", false, "%"},
      {"%2525", false, "%25"},      // decoded once only
      {"%00", false, Bytes("\0")},  // NUL is a byte like any other
      {"a%00b", true, Bytes("a\0b")},
      {Bytes("a\0b"), false, Bytes("a\0b")},
      {"%ff%FE", false, "\xff\xfe"},  // any byte value
      {"%E2%82%AC", false, "\xe2\x82\xac"},
      {"100%41", false, "100A"},
  };
  for (const DecodeCase& c : cases) {
    BOOST_TEST_CONTEXT("input [" << c.in << "] plus_is_space=" << c.plus_is_space) {
      StatusOr<std::string> got = PercentDecode(c.in, c.plus_is_space);
      BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
      BOOST_TEST(got.value() == c.want);
    }
  }
}

BOOST_AUTO_TEST_CASE(RejectsBrokenEscapes) {
  const char* bad[] = {
      "%",    "%4",   "a%",  "a%4", "%zz",   "%4g",  "%g4",
      "%%41", "% 41", "%-1", "%+1", "abc%2", "%41%", "x%%",
  };
  for (const char* in : bad) {
    for (bool plus : {false, true}) {
      BOOST_TEST_CONTEXT("input [" << in << "] plus_is_space=" << plus) {
        StatusOr<std::string> got = PercentDecode(in, plus);
        BOOST_TEST(!got.ok());
        BOOST_TEST(got.status().code() == StatusCode::kInvalidArgument);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(WithoutParamTest)

BOOST_AUTO_TEST_CASE(DropsEveryNamedSegmentAndKeepsTheRestAsSent) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"", ""},
      {"token=k", ""},
      {"token=k&id=1", "id=1"},
      {"id=1&token=k&status=D%20X", "id=1&status=D%20X"},
      {"to%6Ben=k&id=1", "id=1"},          // the key compared decoded
      {"token&id=1&token=again", "id=1"},  // without '=', and repeated
      {"tokens=1&id=1", "tokens=1&id=1"},  // only the exact key
      {"a=1&&b=2", "a=1&b=2"},             // empty segments dropped
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("query " << c.in) { BOOST_TEST(WithoutParam(c.in, "token") == c.out); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParseUrlEncodedTest)

struct FormCase {
  std::string in;
  Params want;
};

BOOST_AUTO_TEST_CASE(SplitsAndDecodesGoodInputs) {
  const FormCase cases[] = {
      {"", {}},
      {"a=1", {{"a", "1"}}},
      {"a=1&b=2", {{"a", "1"}, {"b", "2"}}},
      {"b=2&a=1", {{"b", "2"}, {"a", "1"}}},   // order kept
      {"a=1&a=2", {{"a", "1"}, {"a", "2"}}},   // repeats kept
      {"a=1&&b=2", {{"a", "1"}, {"b", "2"}}},  // empty segment skipped
      {"&a=1&", {{"a", "1"}}},
      {"&&&", {}},
      {"flag", {{"flag", ""}}},  // no '=': value ""
      {"a=", {{"a", ""}}},
      {"=v", {{"", "v"}}},
      {"a=b=c", {{"a", "b=c"}}},      // first '=' splits
      {"a+b=c+d", {{"a b", "c d"}}},  // '+' is a space
      {"a%2Bb=c%2Bd", {{"a+b", "c+d"}}},
      {"k=%26%3D", {{"k", "&="}}},  // escaped separators
      {"deliv_time=2021-04-09+16%3A27%3A51", {{"deliv_time", "2021-04-09 16:27:51"}}},
      {"k=%00", {{"k", Bytes("\0")}}},
      {Bytes("k\0=v\0"), {{Bytes("k\0"), Bytes("v\0")}}},
      {"custom=order+%23991", {{"custom", "order #991"}}},
      {"a=1;b=2", {{"a", "1;b=2"}}},  // ';' is not a separator
  };
  for (const FormCase& c : cases) {
    BOOST_TEST_CONTEXT("input [" << c.in << "]") {
      StatusOr<Params> got = ParseUrlEncoded(c.in);
      BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
      BOOST_TEST_REQUIRE(got.value().size() == c.want.size());
      for (size_t i = 0; i < c.want.size(); ++i) {
        BOOST_TEST(got.value()[i].first == c.want[i].first);
        BOOST_TEST(got.value()[i].second == c.want[i].second);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(RejectsABrokenEscapeAnywhere) {
  const char* bad[] = {"a=%", "a=%zz", "%=1", "%4=1", "a=1&b=%g0", "a=1&b=2&c=%2", "x%y=1"};
  for (const char* in : bad) {
    BOOST_TEST_CONTEXT("input [" << in << "]") {
      StatusOr<Params> got = ParseUrlEncoded(in);
      BOOST_TEST(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInvalidArgument);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FindParamTest)

BOOST_AUTO_TEST_CASE(ReturnsTheFirstOfRepeatedKeys) {
  Params p = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  const std::string* a = FindParam(p, "a");
  BOOST_TEST_REQUIRE(a != nullptr);
  BOOST_TEST(*a == "1");
  BOOST_TEST_REQUIRE(FindParam(p, "b") != nullptr);
  BOOST_TEST(*FindParam(p, "b") == "2");
}

BOOST_AUTO_TEST_CASE(ReturnsNullForAMissingKey) {
  Params p = {{"a", "1"}};
  BOOST_TEST(FindParam(p, "b") == nullptr);
  BOOST_TEST(FindParam(p, "A") == nullptr);  // case-sensitive
  BOOST_TEST(FindParam(p, "") == nullptr);
  BOOST_TEST(FindParam(Params(), "a") == nullptr);
}

BOOST_AUTO_TEST_CASE(FindsAnEmptyValue) {
  Params p = {{"token", ""}};
  const std::string* t = FindParam(p, "token");
  BOOST_TEST_REQUIRE(t != nullptr);
  BOOST_TEST(t->empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
