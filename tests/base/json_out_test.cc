#define BOOST_TEST_DYN_LINK
#include "common/base/json_out.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include "tests/testing/test_util.h"

namespace dlr {
namespace {

using test::Bytes;

const char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// True when `json` is one valid JSON document (UTF-8 checked).
bool ParsesStrictly(const std::string& json, std::string* value = nullptr) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsString()) return false;
  if (value) *value = std::string(doc.GetString(), doc.GetStringLength());
  return true;
}

struct QuoteCase {
  std::string in;
  std::string want;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(JsonQuoteTest)

BOOST_AUTO_TEST_CASE(QuotesAndEscapes) {
  const std::string r = kReplacement;
  const QuoteCase cases[] = {
      {"", R"("")"},
      {"abc", R"("abc")"},
      {"a\"b", R"("a\"b")"},
      {"a\\b", R"("a\\b")"},
      {"\n\r\t", R"("\n\r\t")"},
      {Bytes("\0"), R"("\u0000")"},
      {"\x01\x1f", R"("\u0001\u001f")"},
      {"\x7f", "\"\\u007f\""},       // DEL, escaped (a terminal acts on it)
      {"\xc2\x9b", "\"\\u009b\""},   // a C1 control (CSI), escaped
      {"\xc2\xa0", "\"\xc2\xa0\""},  // U+00A0 is no control
      {"/", R"("/")"},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""},            // 2-byte UTF-8 kept
      {"\xe2\x82\xac", "\"\xe2\x82\xac\""},          // 3-byte
      {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},  // 4-byte
      {"\xe2\x80\xa8", "\"\xe2\x80\xa8\""},          // U+2028 is valid JSON
      {"\xff", "\"" + r + "\""},                     // never valid
      {"a\x80z", "\"a" + r + "z\""},                 // lone continuation byte
      {"\xc3", "\"" + r + "\""},                     // cut short at the end
      {"\xc3z", "\"" + r + "z\""},                   // cut short mid-string
      {"\xe2\x82", "\"" + r + r + "\""},
      {"\xc0\xaf", "\"" + r + r + "\""},                  // overlong '/'
      {"\xe0\x80\xaf", "\"" + r + r + r + "\""},          // overlong, 3 bytes
      {"\xed\xa0\x80", "\"" + r + r + r + "\""},          // a UTF-16 surrogate
      {"\xf4\x90\x80\x80", "\"" + r + r + r + r + "\""},  // above U+10FFFF
      // runs of plain bytes between escapes, at the start, middle and end
      {"abc\"def\\ghi\njkl", R"("abc\"def\\ghi\njkl")"},
      {"\"ab", R"("\"ab")"},
      {"ab\"", R"("ab\"")"},
      {"x\xc3\xa9y\xffz\x01", "\"x\xc3\xa9y" + r + "z\\u0001\""},
  };
  for (const QuoteCase& c : cases) {
    BOOST_TEST_CONTEXT("input [" << c.in << "]") { BOOST_TEST(JsonQuote(c.in) == c.want); }
  }
}

BOOST_AUTO_TEST_CASE(AppendJsonQuotedKeepsWhatIsThere) {
  std::string out = "{\"k\":";
  AppendJsonQuoted(&out, "a\"b");
  BOOST_TEST(out == R"({"k":"a\"b")");
}

BOOST_AUTO_TEST_CASE(ValidUtf8RoundTrips) {
  const std::string inputs[] = {"",
                                "plain",
                                "q\"uote",
                                "back\\slash",
                                Bytes("nul\0byte"),
                                "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                "\x01\x02\x1f"};
  for (const std::string& in : inputs) {
    BOOST_TEST_CONTEXT("input [" << in << "]") {
      std::string back;
      BOOST_TEST_REQUIRE(ParsesStrictly(JsonQuote(in), &back));
      BOOST_TEST(back == in);
    }
  }
}

BOOST_AUTO_TEST_CASE(EveryByteValueGivesValidJson) {
  for (int b = 0; b < 256; ++b) {
    std::string in(1, static_cast<char>(b));
    BOOST_TEST_CONTEXT("byte " << b) { BOOST_TEST(ParsesStrictly(JsonQuote(in))); }
  }
}

BOOST_AUTO_TEST_CASE(RandomBytesGiveValidJson) {
  std::mt19937 rng(301);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string in;
    for (int n = len(rng); n > 0; --n) in.push_back(static_cast<char>(byte(rng)));
    BOOST_TEST_CONTEXT("iteration " << i) { BOOST_TEST(ParsesStrictly(JsonQuote(in))); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(JsonObjectWriterTest)

BOOST_AUTO_TEST_CASE(EmptyObject) {
  JsonObjectWriter w;
  BOOST_TEST(w.Finish() == "{}");
}

BOOST_AUTO_TEST_CASE(WritesMembersInOrder) {
  JsonObjectWriter w;
  w.Bool("ok", true);
  w.Int("stored", 3);
  w.Int("duplicates", 0);
  BOOST_TEST(w.Finish() == R"({"ok":true,"stored":3,"duplicates":0})");
}

BOOST_AUTO_TEST_CASE(WritesEveryKind) {
  JsonObjectWriter w;
  w.String("s", "x\"y");
  w.Bool("f", false);
  w.Int("min", std::numeric_limits<int64_t>::min());
  w.Int("max", std::numeric_limits<int64_t>::max());
  w.String("k\ney", "");
  BOOST_TEST(w.Finish() ==
             "{\"s\":\"x\\\"y\",\"f\":false,\"min\":-9223372036854775808,"
             "\"max\":9223372036854775807,\"k\\ney\":\"\"}");
}

BOOST_AUTO_TEST_CASE(OutputIsAValidJsonObject) {
  JsonObjectWriter w;
  w.Bool("ok", false);
  w.String("error", "bad_request");
  w.String("message", "the body is not valid JSON: \xff\"\n");
  std::string out = w.Finish();
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(out.data(), out.size());
  BOOST_TEST_REQUIRE(!doc.HasParseError(), out);
  BOOST_TEST_REQUIRE(doc.IsObject());
  BOOST_TEST(doc.MemberCount() == 3u);
  BOOST_TEST(doc["ok"].IsFalse());
  BOOST_TEST(std::string(doc["error"].GetString()) == "bad_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(JsonWriterTest)

BOOST_AUTO_TEST_CASE(NestsObjectsAndArraysWithJsonQuotesStrings) {
  JsonWriter w;
  w.StartObject();
  w.Key("name");
  w.String(Bytes("a\xff\"\x01"));
  w.Key("list");
  w.StartArray();
  w.Int(-3);
  w.Bool(true);
  w.Null();
  w.Number("0.6667");
  w.StartObject();
  w.EndObject();
  w.EndArray();
  w.Key("opt");
  w.OptionalString(std::nullopt);
  w.Key("opt2");
  w.OptionalString(std::string("x"));
  w.Key("empty");
  w.NonEmptyString("");
  w.Key(Bytes("k\xc3"));
  w.NonEmptyString("v");
  w.EndObject();
  const std::string want = std::string("{\"name\":\"a") + kReplacement +
                           "\\\"\\u0001\",\"list\":[-3,true,null,0.6667,{}],\"opt\":null,"
                           "\"opt2\":\"x\",\"empty\":null,\"k" +
                           kReplacement + "\":\"v\"}";
  BOOST_TEST(w.Text() == want);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(w.Text().data(), w.Text().size());
  BOOST_TEST(!doc.HasParseError());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
