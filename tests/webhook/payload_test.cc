#define BOOST_TEST_DYN_LINK
#include "common/webhook/payload.h"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/query.h"
#include "tests/testing/test_util.h"

namespace dlr {

namespace {

constexpr char kJson[] = "application/json";
constexpr char kForm[] = "application/x-www-form-urlencoded";

using test::kPlatformDlrExample;

// The fuller example of seed/platform-verify-webhook.md ("After Verification").
constexpr char kPlatformVerifiedDlrExample[] = R"({
      "id": "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1",
      "mobile": "918921269xxx",
      "status": "DELIVRD",
      "credits": "2.0000",
      "units": 2,
      "deliv_time": "2021-04-09 16:27:51",
      "sent_time": "2021-04-09 16:27:35",
      "submit_time": "2021-04-09 16:27:39",
      "cid": "1234444XXXX",
      "custom": "9882XXXX",
      "custom1": "campaign-3344",
      "custom2": "new-campXXX",
      "location": "India",
      "region" : "Bangalore",
      "provider": "Jio",
      "location_code": "in",
      "region_code": "KA",
      "provider_code": "RJ",
    })";

// The verification request's body of seed/platform-verify-webhook.md.
constexpr char kPlatformVerifyBody[] = R"({
    "validation_key": "9012XXXX",
    "challenge": "a234qwe",
  })";

// The Compose Webhook example of seed/platform-sms-webhook.md, placeholders
// left as they are.
constexpr char kComposeExample[] = R"({
      "id": "@{{id}}",
      "mobile": "@{{mobile}}",
      "message_status": "@{{status}}",
      "credits": "@{{credits}}",
    })";

using test::Bytes;

StatusOr<Payload> Parse(std::string_view body, std::string_view content_type = kJson,
                        std::string_view raw_query = "", const FieldNames& names = FieldNames(),
                        const Limits& limits = Limits()) {
  StatusOr<Params> query = ParseUrlEncoded(raw_query);
  BOOST_TEST_REQUIRE(query.ok(), "test query [" << raw_query << "] does not parse");
  return ParsePayload(body, content_type, raw_query, query.value(), names, limits);
}

// The field's value, or "(absent)".
std::string V(const Dlr& d, Field f) { return d.Get(f).value_or("(absent)"); }

// A copy of the only DLR of a payload that must hold exactly one.
Dlr Single(const StatusOr<Payload>& p) {
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST_REQUIRE(p.value().dlrs.size() == 1u);
  return p.value().dlrs[0];
}

FieldNames ComposeNames() {
  FieldNames n;
  n.key[static_cast<size_t>(Field::kId)] = "message_id";
  n.key[static_cast<size_t>(Field::kStatus)] = "message_status";
  n.key[static_cast<size_t>(Field::kMobile)] = "mobile_number";
  return n;
}

void ExpectUnprocessableNaming(const StatusOr<Payload>& p, const std::string& key) {
  BOOST_TEST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);
  BOOST_TEST(p.status().message().find("\"" + key + "\"") != std::string::npos,
             "message [" << p.status().message() << "] should name \"" << key << "\"");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DlrFieldTest)

BOOST_AUTO_TEST_CASE(FieldsAreTheContractsColumnsInOrder) {
  const char* columns[] = {
      "id",
      "mobile",
      "status",
      "credits",
      "units",
      "deliv_time",
      "sent_time",
      "submit_time",
      "deliv_at",
      "sent_at",
      "submit_at",
      "cid",
      "custom",
      "custom1",
      "custom2",
      "location",
      "region",
      "provider",
      "location_code",
      "region_code",
      "provider_code",
      "error_code",
  };
  BOOST_TEST_REQUIRE(sizeof columns / sizeof columns[0] == kFieldCount);
  FieldNames defaults;
  for (size_t i = 0; i < kFieldCount; ++i) {
    BOOST_TEST_CONTEXT("field " << i) {
      Field f = static_cast<Field>(i);
      BOOST_TEST(std::string(FieldName(f)) == columns[i]);
      std::optional<Field> back = FieldFromName(columns[i]);
      BOOST_TEST_REQUIRE(back.has_value());
      BOOST_TEST(static_cast<size_t>(*back) == i);
      BOOST_TEST(defaults[f] == columns[i]);
    }
  }
}

BOOST_AUTO_TEST_CASE(FieldFromNameRefusesOtherNames) {
  const char* others[] = {"",           "Id",  "ID",          "STATUS",         "token",
                          "webhook",    "raw", "received_at", "message_status", "id ",
                          "deliv-time", "seq"};
  for (const char* n : others) {
    BOOST_TEST_CONTEXT("name [" << n << "]") { BOOST_TEST(!FieldFromName(n).has_value()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(StatusClassTest)

struct ClassCase {
  const char* status;
  bool delivered;
  bool pending;
};

const char* ClassName(DlrClass c) { return DlrClassName(c); }

BOOST_AUTO_TEST_CASE(ClassifiesStatuses) {
  const ClassCase cases[] = {
      {"DELIVRD", true, false},
      {"delivrd", true, false},
      {"Delivrd", true, false},
      {" DELIVRD ", true, false},
      {"AWAITING-DLR", false, true},
      {"awaiting-dlr", false, true},
      {"UNDELIV", false, false},
      {"EXPIRED", false, false},
      {"REJECTED", false, false},
      {"DNDNUMB", false, false},
      {"DLT-TEMPLATE-MISMATCH", false, false},
      {"SOMETHING-NEW", false, false},
      {"DELIVERED", false, false},
      {"AWAITING", false, false},
      {"\tDELIVRD\r\n", true, false},
      {"\n awaiting-dlr\t", false, true},
      {"DELI VRD", false, false},
      {"DELIVRD.", false, false},
      {"", false, false},
  };
  for (const ClassCase& c : cases) {
    BOOST_TEST_CONTEXT("status [" << c.status << "]") {
      BOOST_TEST(IsDeliveredStatus(c.status) == c.delivered);
      BOOST_TEST(IsPendingStatus(c.status) == c.pending);
      BOOST_TEST(IsFinalStatus(c.status) == !c.pending);
      DlrClass want = c.delivered ? DlrClass::kDelivered
                      : c.pending ? DlrClass::kPending
                                  : DlrClass::kFailed;
      BOOST_TEST(ClassName(StatusTextClass(c.status)) == ClassName(want));
    }
  }
}

// The class stored with a DLR: its provider's when set, else its status
// text's; dlr_messages.final and .delivered follow it.
BOOST_AUTO_TEST_CASE(TheStoredClassIsTheProvidersElseTheStatusTexts) {
  struct Case {
    std::optional<std::string> status;
    std::optional<DlrClass> provider_class;
    const char* want;
    bool final, delivered;
  };
  const Case cases[] = {
      {"DELIVRD", std::nullopt, "delivered", true, true},
      {"AWAITING-DLR", std::nullopt, "pending", false, false},
      {"UNDELIV", std::nullopt, "failed", true, false},
      {std::nullopt, std::nullopt, "failed", true, false},
      {"undelivered", DlrClass::kFailed, "failed", true, false},
      {"sent", DlrClass::kPending, "pending", false, false},
      {"DELIVRD", DlrClass::kPending, "pending", false, false},  // the class wins
      {"read", DlrClass::kDelivered, "delivered", true, true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("status [" << c.status.value_or("(none)") << "] class "
                                  << (c.provider_class ? ClassName(*c.provider_class) : "(none)")) {
      Dlr d;
      if (c.status) d.Set(Field::kStatus, *c.status);
      d.dlr_class = c.provider_class;
      BOOST_TEST(ClassName(ClassOf(d)) == std::string(c.want));
      BOOST_TEST(DlrIsFinal(d) == c.final);
      BOOST_TEST(DlrIsDelivered(d) == c.delivered);
    }
  }
}

BOOST_AUTO_TEST_CASE(ClassNamesReadBack) {
  for (DlrClass c : {DlrClass::kDelivered, DlrClass::kPending, DlrClass::kFailed}) {
    std::optional<DlrClass> back = DlrClassFromName(DlrClassName(c));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST((*back == c));
  }
  for (const char* other : {"", "Delivered", "DELIVERED", "delivered ", "final", "unknown"}) {
    BOOST_TEST(!DlrClassFromName(other).has_value(), other);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ErrorCodeFieldTest)

// error_code: read under its own name, or under the key `fields` (or a
// provider's preset) names, from every shape a DLR comes in.
BOOST_AUTO_TEST_CASE(TheErrorCodeIsReadUnderItsMappedKeyFromEveryShape) {
  struct Case {
    const char* name;
    const char* key;  // the key error_code is read from
    std::string content_type;
    std::string body;
    std::string query;
    const char* want;  // nullptr: absent
  };
  const Case cases[] = {
      {"json, own name", "error_code", kJson, R"({"id":"a","status":"UNDELIV","error_code":"34"})",
       "", "34"},
      {"json, a number", "error_code", kJson, R"({"id":"a","status":"UNDELIV","error_code":34})",
       "", "34"},
      {"json, mapped", "ErrorCode", kJson, R"({"id":"a","status":"x","ErrorCode":"30003"})", "",
       "30003"},
      {"json, mapped: own name ignored", "ErrorCode", kJson,
       R"({"id":"a","status":"x","error_code":"1"})", "", nullptr},
      {"json, null", "error_code", kJson, R"({"id":"a","status":"x","error_code":null})", "",
       nullptr},
      {"json, empty kept", "error_code", kJson, R"({"id":"a","status":"x","error_code":""})", "",
       ""},
      {"json, absent", "error_code", kJson, R"({"id":"a","status":"x"})", "", nullptr},
      {"form", "ErrorCode", kForm, "id=SM1&status=undelivered&ErrorCode=30003", "", "30003"},
      {"form, escaped key", "err-code", kForm, "id=a&status=x&err%2Dcode=5", "", "5"},
      {"query alone, vonage", "err-code", "", "", "id=a&status=expired&err-code=0", "0"},
      {"query fills a body", "ErrorCode", kJson, R"({"id":"a","status":"x"})", "ErrorCode=21610",
       "21610"},
      {"body wins over query", "ErrorCode", kForm, "id=a&status=x&ErrorCode=1", "ErrorCode=2", "1"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      FieldNames names;
      names.key[static_cast<size_t>(Field::kErrorCode)] = c.key;
      Dlr d = Single(Parse(c.body, c.content_type, c.query, names));
      if (c.want) {
        BOOST_TEST(V(d, Field::kErrorCode) == c.want);
      } else {
        BOOST_TEST(!d.Get(Field::kErrorCode).has_value());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(AnErrorCodeOverMaxFieldBytesIsUnprocessableNamingItsKey) {
  FieldNames names;
  names.key[static_cast<size_t>(Field::kErrorCode)] = "ErrorCode";
  Limits limits;
  limits.max_field_bytes = 8;
  ExpectUnprocessableNaming(
      Parse(R"({"id":"a","status":"x","ErrorCode":"123456789"})", kJson, "", names, limits),
      "ErrorCode");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadJsonTest)

BOOST_AUTO_TEST_CASE(AcceptsThePlatformsExampleWithItsTrailingComma) {
  StatusOr<Payload> p = Parse(kPlatformDlrExample);
  const Dlr& d = Single(p);
  BOOST_TEST(V(d, Field::kId) == "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1");
  BOOST_TEST(V(d, Field::kMobile) == "918921269xxx");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");
  BOOST_TEST(V(d, Field::kCredits) == "2.0000");
  BOOST_TEST(V(d, Field::kUnits) == "2");
  BOOST_TEST(V(d, Field::kDelivAt) == "1701086585");
  BOOST_TEST(V(d, Field::kSentAt) == "1701063180");
  BOOST_TEST(V(d, Field::kSubmitAt) == "1701059582");
  BOOST_TEST(V(d, Field::kDelivTime) == "2021-04-09 16:27:51");
  BOOST_TEST(V(d, Field::kSentTime) == "2021-04-09 16:27:35");
  BOOST_TEST(V(d, Field::kSubmitTime) == "2021-04-09 16:27:39");
  BOOST_TEST(V(d, Field::kCid) == "1234444XXXX");
  BOOST_TEST(V(d, Field::kCustom) == "9882XXXX");
  BOOST_TEST(V(d, Field::kCustom1) == "(absent)");
  BOOST_TEST(V(d, Field::kProviderCode) == "(absent)");
  BOOST_TEST(d.raw == kPlatformDlrExample);
  BOOST_TEST(!p.value().challenge.has_value());
  BOOST_TEST(!p.value().body_empty);
}

BOOST_AUTO_TEST_CASE(AcceptsTheVerificationPagesFullerExample) {
  StatusOr<Payload> p = Parse(kPlatformVerifiedDlrExample);
  const Dlr& d = Single(p);
  BOOST_TEST(V(d, Field::kCustom1) == "campaign-3344");
  BOOST_TEST(V(d, Field::kCustom2) == "new-campXXX");
  BOOST_TEST(V(d, Field::kLocation) == "India");
  BOOST_TEST(V(d, Field::kRegion) == "Bangalore");  // written "region" : with a space
  BOOST_TEST(V(d, Field::kProvider) == "Jio");
  BOOST_TEST(V(d, Field::kLocationCode) == "in");
  BOOST_TEST(V(d, Field::kRegionCode) == "KA");
  BOOST_TEST(V(d, Field::kProviderCode) == "RJ");
  BOOST_TEST(V(d, Field::kDelivAt) == "(absent)");
  BOOST_TEST(d.raw == kPlatformVerifiedDlrExample);
}

BOOST_AUTO_TEST_CASE(NumbersKeepTheirExactTextWhetherStringsOrNumbers) {
  const std::pair<const char*, const char*> cases[] = {
      {R"("2.0000")", "2.0000"},
      {"2.0000", "2.0000"},
      {"2", "2"},
      {R"("2")", "2"},
      {"1.5", "1.5"},
      {"-0.50", "-0.50"},
      {"1e3", "1e3"},
      {"1E+03", "1E+03"},
      {"0", "0"},
      {"1701086585", "1701086585"},
      {"123456789012345678901234567890", "123456789012345678901234567890"},
  };
  for (const auto& c : cases) {
    std::string body = std::string(R"({"id":"n","status":"DELIVRD","credits":)") + c.first +
                       R"(,"units":)" + c.first + "}";
    BOOST_TEST_CONTEXT("body " << body) {
      const Dlr& d = Single(Parse(body));
      BOOST_TEST(V(d, Field::kCredits) == c.second);
      BOOST_TEST(V(d, Field::kUnits) == c.second);
    }
  }
}

BOOST_AUTO_TEST_CASE(AnIdMayBeANumber) {
  const Dlr& d = Single(Parse(R"({"id": 1234567, "status": "DELIVRD"})"));
  BOOST_TEST(V(d, Field::kId) == "1234567");
}

BOOST_AUTO_TEST_CASE(StringEscapesAreDecodedInValuesAndKeptInRaw) {
  const std::string body = R"({"id":"a\"b\\c","status":"DELIVRD","custom":"caf\u00e9\u0000!"})";
  const Dlr& d = Single(Parse(body));
  BOOST_TEST(V(d, Field::kId) == "a\"b\\c");
  BOOST_TEST(V(d, Field::kCustom) == Bytes("caf\xc3\xa9\0!"));
  BOOST_TEST(d.raw == body);
}

BOOST_AUTO_TEST_CASE(ValuesAreKeptExactlyAsSent) {
  const Dlr& d = Single(Parse(R"({"id":"  MiXeD-Case ","status":"delivrd","mobile":"+91 98"})"));
  BOOST_TEST(V(d, Field::kId) == "  MiXeD-Case ");
  BOOST_TEST(V(d, Field::kStatus) == "delivrd");
  BOOST_TEST(V(d, Field::kMobile) == "+91 98");
}

BOOST_AUTO_TEST_CASE(UnknownStatusesAreAccepted) {
  for (const char* status : {"DLT-TEMPLATE-MISMATCH", "NO-CREDITS", "whatever"}) {
    BOOST_TEST_CONTEXT("status " << status) {
      std::string body = std::string(R"({"id":"x","status":")") + status + "\"}";
      BOOST_TEST(V(Single(Parse(body)), Field::kStatus) == status);
    }
  }
}

BOOST_AUTO_TEST_CASE(UnknownKeysOfAnyTypeAreKeptInRawOnly) {
  const std::string body =
      R"({"id":"x","status":"DELIVRD","unknown_extra":{"kept":[true,null,{"a":1}]},"flag":false})";
  const Dlr& d = Single(Parse(body));
  BOOST_TEST(d.raw == body);
  for (size_t i = 0; i < kFieldCount; ++i) {
    Field f = static_cast<Field>(i);
    if (f != Field::kId && f != Field::kStatus) BOOST_TEST(!d.Get(f).has_value());
  }
}

BOOST_AUTO_TEST_CASE(NullFieldsAreAbsent) {
  const Dlr& d = Single(Parse(R"({"id":"x","status":"DELIVRD","mobile":null,"units":null})"));
  BOOST_TEST(!d.Get(Field::kMobile).has_value());
  BOOST_TEST(!d.Get(Field::kUnits).has_value());
}

BOOST_AUTO_TEST_CASE(DuplicateKeysFirstOneCounts) {
  const Dlr& d = Single(Parse(R"({"id":"first","status":"DELIVRD","id":"second"})"));
  BOOST_TEST(V(d, Field::kId) == "first");
}

BOOST_AUTO_TEST_CASE(DuplicateKeysFirstOneCountsEvenWhenNull) {
  // The first member of a name decides: null leaves the field absent, and a
  // later member of the same name, even of an impossible type, is not read.
  const Dlr& d = Single(Parse(R"({"id":"x","mobile":null,"status":"DELIVRD","mobile":"9198"})"));
  BOOST_TEST(!d.Get(Field::kMobile).has_value());
  const Dlr& e = Single(Parse(R"({"id":"x","status":"DELIVRD","units":"2","units":[1]})"));
  BOOST_TEST(V(e, Field::kUnits) == "2");
}

BOOST_AUTO_TEST_CASE(TwoFieldsMappedToOneKeyBothTakeItsValue) {
  FieldNames n;
  n.key[static_cast<size_t>(Field::kCid)] = "ref";
  n.key[static_cast<size_t>(Field::kCustom)] = "ref";
  const Dlr& d = Single(Parse(R"({"id":"x","status":"DELIVRD","ref":"r1"})", kJson, "", n));
  BOOST_TEST(V(d, Field::kCid) == "r1");
  BOOST_TEST(V(d, Field::kCustom) == "r1");
}

BOOST_AUTO_TEST_CASE(ABodyOfAsciiAloneOrWithUtf8Parses) {
  // ASCII bodies skip the encoding's validation; one non-ASCII byte anywhere,
  // in the first eight bytes or the last, brings it back.
  const Dlr& a = Single(Parse(R"({"id":"x","status":"DELIVRD","custom":"plain"})"));
  BOOST_TEST(V(a, Field::kCustom) == "plain");
  const Dlr& u = Single(Parse("{\"id\":\"x\",\"status\":\"DELIVRD\",\"custom\":\"caf\xc3\xa9\"}"));
  BOOST_TEST(V(u, Field::kCustom) == "caf\xc3\xa9");
  const std::string good = R"({"id":"x","status":"DELIVRD","custom":"abcdefghijklmnop"})";
  const size_t at = good.find("abc");
  for (size_t i = at; i < at + 16; ++i) {
    std::string bad = good;
    bad[i] = '\xff';
    BOOST_TEST_CONTEXT("byte " << i) {
      StatusOr<Payload> p = Parse(bad);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
    }
  }
}

BOOST_AUTO_TEST_CASE(ImpossibleTypeInAKnownFieldIsUnprocessable) {
  const char* fields[] = {"id", "status", "mobile", "credits", "deliv_time", "provider_code"};
  const char* values[] = {"true", "false", "{}", R"({"a":1})", "[]", R"(["x"])"};
  for (const char* field : fields) {
    for (const char* value : values) {
      // The first occurrence counts: the bad one comes first.
      std::string body =
          "{\"" + std::string(field) + "\":" + value + R"(,"id":"x","status":"DELIVRD"})";
      BOOST_TEST_CONTEXT("body " << body) { ExpectUnprocessableNaming(Parse(body), field); }
    }
  }
}

BOOST_AUTO_TEST_CASE(MissingOrEmptyIdOrStatusIsUnprocessableNamingTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"status":"DELIVRD"})", "id"},
      {R"({"id":"x"})", "status"},
      {R"({"id":"","status":"DELIVRD"})", "id"},
      {R"({"id":"x","status":""})", "status"},
      {R"({"id":null,"status":"DELIVRD"})", "id"},
      {R"({"id":"x","status":null})", "status"},
      {R"({"id":"x","mobile":"91","deliv_time":"2021-04-09 16:27:51"})", "status"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("body " << c.first) { ExpectUnprocessableNaming(Parse(c.first), c.second); }
  }
}

BOOST_AUTO_TEST_CASE(MissingMappedFieldIsNamedByTheCustomersKey) {
  ExpectUnprocessableNaming(Parse(R"({"message_id":"m1"})", kJson, "", ComposeNames()),
                            "message_status");
  ExpectUnprocessableNaming(Parse(R"({"message_status":"DELIVRD"})", kJson, "", ComposeNames()),
                            "message_id");
}

BOOST_AUTO_TEST_CASE(AnObjectWithNeitherIdNorStatusCarriesNoDlr) {
  StatusOr<Payload> p = Parse(R"({"mobile":"91","hello":"world"})");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());
  BOOST_TEST(!p.value().body_empty);
  BOOST_TEST(!p.value().challenge.has_value());
}

BOOST_AUTO_TEST_CASE(JsonIsRecognisedByContentTypeOrByItsFirstByte) {
  const std::string body = R"({"id":"x","status":"DELIVRD"})";
  const char* types[] = {"application/json", "application/json; charset=utf-8", "Application/JSON",
                         "text/json",        "application/vnd.platform+json",   "",
                         "text/plain",       "application/octet-stream"};
  for (const char* type : types) {
    BOOST_TEST_CONTEXT("Content-Type [" << type << "]") {
      BOOST_TEST(V(Single(Parse(body, type)), Field::kId) == "x");
    }
  }
  BOOST_TEST(V(Single(Parse("\r\n\t " + body + "\n", "")), Field::kId) == "x");
}

BOOST_AUTO_TEST_CASE(JsonSentAsFormDataIsReadAsJson) {
  // curl -d's default type: a form body never starts with '{' or '['.
  const Dlr& d = Single(Parse(R"({"id":"x","status":"DELIVRD"})", kForm));
  BOOST_TEST(V(d, Field::kId) == "x");
  StatusOr<Payload> p =
      Parse(R"([{"id":"x","status":"DELIVRD"},{"id":"y","status":"DELIVRD"}])", kForm);
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.size() == 2u);
}

BOOST_AUTO_TEST_CASE(UnparseableJsonIsInvalidArgument) {
  const std::string bad[] = {
      "{",
      R"({"id":"x",)",
      R"({"id":"x","status":"DELIVRD"} trailing)",
      R"({"id":"x","status":"DELIVRD"}})",
      R"({"id":"x","status":"DELIVRD"}{"id":"y","status":"DELIVRD"})",
      R"([{"id":"x","status":"DELIVRD"}] [])",
      R"({'id':'x','status':'DELIVRD'})",
      R"({"id":"x" "status":"DELIVRD"})",
      R"({"id":"x",,"status":"DELIVRD"})",
      R"({"id":x,"status":"DELIVRD"})",
      R"({"id":"x","status":"DELIVRD","units":NaN})",
      R"({"id":"x","status":"DELIVRD","units":01})",
      R"([{"id":"x","status":"DELIVRD"},,])",
      "{\"id\":\"\xff\",\"status\":\"DELIVRD\"}",                      // invalid UTF-8
      "{\"id\":\"\xc0\xaf\",\"status\":\"DELIVRD\"}",                  // overlong
      "{\"id\":\"\xed\xa0\x80\",\"status\":\"DELIVRD\"}",              // a surrogate
      "{\"id\":\"x\",\"status\":\"DELIVRD\",\"custom\":\"caf\xe9\"}",  // Latin-1
  };
  for (const std::string& body : bad) {
    BOOST_TEST_CONTEXT("body [" << body << "]") {
      StatusOr<Payload> p = Parse(body);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
    }
  }
}

BOOST_AUTO_TEST_CASE(ScalarsAreUnprocessable) {
  for (const char* body : {R"("DELIVRD")", "42", "true", "false", "null", "-1.5"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      StatusOr<Payload> p = Parse(body);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);
    }
  }
}

BOOST_AUTO_TEST_CASE(DeepNestingDoesNotCrash) {
  // With the depth limit lifted, the parser itself (not recursive) copes.
  const size_t depth = 100000;
  Limits unlimited;
  unlimited.max_json_depth = depth * 2;
  auto Parse = [&](const std::string& body) {
    return ::dlr::Parse(body, kJson, "", FieldNames(), unlimited);
  };
  const std::string arrays = std::string(depth, '[') + std::string(depth, ']');
  StatusOr<Payload> p = Parse(arrays);
  BOOST_TEST(!p.ok());  // an array whose element is not an object
  BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);

  std::string objects;
  for (size_t i = 0; i < depth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(depth, '}');
  p = Parse(objects);
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());

  std::string in_dlr = R"({"id":"x","status":"DELIVRD","extra":)" + arrays + "}";
  BOOST_TEST(V(Single(Parse(in_dlr)), Field::kId) == "x");

  p = Parse(std::string(depth, '['));  // never closed
  BOOST_TEST(!p.ok());
  BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
}

// A request is accepted whole or refused whole: whatever the bytes, either
// every DLR returned has a non-empty id and status, or the error is one of
// the two the handler maps to 400 and 422.
BOOST_AUTO_TEST_CASE(MutatedBodiesAreAcceptedWholeOrRefusedCleanly) {
  const std::string seeds[] = {
      kPlatformDlrExample,
      R"([{"id":"a","status":"S","x":[1,{"y":"]"}]},{"id":"b","status":"T"}])",
      "id=a&status=DELIVRD&mobile=%2B91&deliv_time=2021-04-09+16%3A27%3A51",
      kPlatformVerifyBody,
      "--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nx\r\n--b\r\n"
      "Content-Disposition: form-data; name=status\r\n\r\nS\r\n--b--\r\n",
  };
  const char* types[] = {kJson, kForm, "", "multipart/form-data; boundary=b"};
  std::mt19937 rng(20260101);
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string body = seeds[rng() % 5];
    for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0 && !body.empty(); --edits) {
      size_t at = rng() % body.size();
      switch (rng() % 4) {
        case 0:
          body[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          body.erase(at, 1 + rng() % 8);
          break;
        case 2:
          body.insert(at, 1, "{}[],:\"%+&=\0"[rng() % 12]);
          break;
        case 3:
          body.resize(at);
          break;
      }
    }
    const char* type = types[rng() % 4];
    StatusOr<Payload> p = Parse(body, type, rng() % 3 == 0 ? "id=q&mobile=9" : "");
    BOOST_TEST_CONTEXT("iteration " << i << " type [" << type << "] body [" << body << "]") {
      if (p.ok()) {
        ++accepted;
        for (const Dlr& d : p.value().dlrs) {
          BOOST_TEST_REQUIRE(!d.Get(Field::kId).value_or("").empty());
          BOOST_TEST_REQUIRE(!d.Get(Field::kStatus).value_or("").empty());
        }
      } else {
        BOOST_TEST_REQUIRE((p.status().code() == StatusCode::kInvalidArgument ||
                            p.status().code() == StatusCode::kUnprocessable),
                           p.status().ToString());
      }
    }
  }
  BOOST_TEST(accepted > 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadArrayTest)

BOOST_AUTO_TEST_CASE(EachElementIsADlr) {
  const std::string body = R"([
  {"id": "arr-1", "mobile": "919800000001", "status": "DELIVRD", "credits": "1.0000", "units": 1, "deliv_time": "2021-04-09 16:27:51"},
  {"id": "arr-2", "mobile": "919800000002", "status": "UNDELIV", "credits": 1.5, "units": "1", "deliv_time": "2021-04-09 16:28:00", "unknown_extra": {"kept": true}},
  {"id": "arr-3", "mobile": "919800000003", "status": "AWAITING-DLR", "credits": "1.0000", "units": 1, "deliv_time": ""}
]
)";
  StatusOr<Payload> p = Parse(body);
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  const std::vector<Dlr>& d = p.value().dlrs;
  BOOST_TEST_REQUIRE(d.size() == 3u);
  BOOST_TEST(V(d[0], Field::kId) == "arr-1");
  BOOST_TEST(V(d[1], Field::kStatus) == "UNDELIV");
  BOOST_TEST(V(d[1], Field::kCredits) == "1.5");
  BOOST_TEST(V(d[1], Field::kUnits) == "1");
  BOOST_TEST(V(d[2], Field::kDelivTime) == "");  // empty, not absent
  BOOST_TEST(
      d[0].raw ==
      R"({"id": "arr-1", "mobile": "919800000001", "status": "DELIVRD", "credits": "1.0000", "units": 1, "deliv_time": "2021-04-09 16:27:51"})");
  BOOST_TEST(
      d[1].raw ==
      R"({"id": "arr-2", "mobile": "919800000002", "status": "UNDELIV", "credits": 1.5, "units": "1", "deliv_time": "2021-04-09 16:28:00", "unknown_extra": {"kept": true}})");
  BOOST_TEST(
      d[2].raw ==
      R"({"id": "arr-3", "mobile": "919800000003", "status": "AWAITING-DLR", "credits": "1.0000", "units": 1, "deliv_time": ""})");
}

BOOST_AUTO_TEST_CASE(EachElementsRawIsItsExactText) {
  struct RawCase {
    std::string body;
    std::vector<std::string> raws;
  };
  const RawCase cases[] = {
      {R"([{"id":"a","status":"S"}])", {R"({"id":"a","status":"S"})"}},
      {R"([{"id":"a","status":"S"},])", {R"({"id":"a","status":"S"})"}},  // trailing comma
      {" \n[ {\"id\":\"a\",\"status\":\"S\"} ,\n\t{\"id\":\"b\",\"status\":\"S\"}\n] \n",
       {R"({"id":"a","status":"S"})", R"({"id":"b","status":"S"})"}},
      // Brackets, braces, commas and escaped quotes inside strings.
      {R"([{"id":"a]","status":"S","x":"},{"},{"id":"b\"]","status":"[S","y":"\\"}])",
       {R"({"id":"a]","status":"S","x":"},{"})", R"({"id":"b\"]","status":"[S","y":"\\"})"}},
      // Nested arrays and objects.
      {R"([{"id":"a","status":"S","n":[[1,{"k":[2,]}],{}]},{"id":"b","status":"S","o":{"p":{"q":[]}}}])",
       {R"({"id":"a","status":"S","n":[[1,{"k":[2,]}],{}]})",
        R"({"id":"b","status":"S","o":{"p":{"q":[]}}})"}},
      // A trailing comma inside an element.
      {R"([{"id":"a","status":"S",},{"id":"b","status":"S"},])",
       {R"({"id":"a","status":"S",})", R"({"id":"b","status":"S"})"}},
      // A key holding "[" before the array starts is impossible; but a
      // string value "[" in the first element is not.
      {R"([{"id":"[","status":"]"}])", {R"({"id":"[","status":"]"})"}},
  };
  for (const RawCase& c : cases) {
    BOOST_TEST_CONTEXT("body [" << c.body << "]") {
      StatusOr<Payload> p = Parse(c.body);
      BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
      BOOST_TEST_REQUIRE(p.value().dlrs.size() == c.raws.size());
      for (size_t i = 0; i < c.raws.size(); ++i) {
        BOOST_TEST(p.value().dlrs[i].raw == c.raws[i]);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(ABadElementRejectsTheWholeArray) {
  const std::pair<std::string, std::string> cases[] = {
      // seed-like: the third has no status
      {R"([
  {"id": "bad-arr-1", "mobile": "919800000011", "status": "DELIVRD", "deliv_time": "2021-04-09 16:27:51"},
  {"id": "bad-arr-2", "mobile": "919800000012", "status": "EXPIRED", "deliv_time": "2021-04-09 16:27:52"},
  {"id": "bad-arr-3", "mobile": "919800000013", "deliv_time": "2021-04-09 16:27:53"}
])",
       "\"status\""},
      {R"([{"id":"a","status":"S"},{"status":"S"}])", "\"id\""},
      {R"([{"id":"a","status":"S"},{"id":"b","status":""}])", "\"status\""},
      {R"([{"id":"a","status":"S"},{"id":"b","status":"S","units":true}])", "\"units\""},
      {R"([{"id":"a","status":"S"},5])", "DLR 2 of 2"},
      {R"([{"id":"a","status":"S"},"x"])", "DLR 2 of 2"},
      {R"([{"id":"a","status":"S"},null])", "DLR 2 of 2"},
      {R"([{"id":"a","status":"S"},[{"id":"b","status":"S"}]])", "DLR 2 of 2"},
      {R"([{"mobile":"91"}])", "\"id\""},  // an element without id or status
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("body " << c.first) {
      StatusOr<Payload> p = Parse(c.first);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);
      BOOST_TEST(p.status().message().find(c.second) != std::string::npos,
                 "message [" << p.status().message() << "] should mention " << c.second);
    }
  }
}

BOOST_AUTO_TEST_CASE(TheBadElementIsNamedByItsPosition) {
  StatusOr<Payload> p = Parse(R"([{"id":"a","status":"S"},{"id":"b","status":"S"},{"id":"c"}])");
  BOOST_TEST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().message().find("DLR 3 of 3") != std::string::npos, p.status().message());
}

BOOST_AUTO_TEST_CASE(AnEmptyArrayIsUnprocessable) {
  for (const char* body : {"[]", " [ ] ", "[\n]"}) {
    BOOST_TEST_CONTEXT("body [" << body << "]") {
      StatusOr<Payload> p = Parse(body);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kUnprocessable);
    }
  }
}

BOOST_AUTO_TEST_CASE(ArrayElementsAreNotFilledFromTheQuery) {
  // dlr.h: the query fills fields "a single body object (or form) leaves out".
  StatusOr<Payload> p = Parse(R"([{"id":"a","status":"S"}])", kJson, "mobile=91");
  BOOST_TEST(!Single(p).Get(Field::kMobile).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadFormTest)

BOOST_AUTO_TEST_CASE(UrlEncodedBodyIsOneDlr) {
  const std::string body =
      "id=f-1&status=DELIVRD&mobile=%2B919812345678&deliv_time=2021-04-09+16%3A27%3A51&units=2";
  const Dlr& d = Single(Parse(body, kForm));
  BOOST_TEST(V(d, Field::kId) == "f-1");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");
  BOOST_TEST(V(d, Field::kMobile) == "+919812345678");
  BOOST_TEST(V(d, Field::kDelivTime) == "2021-04-09 16:27:51");
  BOOST_TEST(V(d, Field::kUnits) == "2");
  BOOST_TEST(d.raw == body);
}

BOOST_AUTO_TEST_CASE(ComposeWebhookFormUsesTheCustomersKeys) {
  // tests/data/compose_form.txt
  const std::string body =
      "message_id=form-1&mobile_number=919812345678&message_status=DELIVRD&deliv_time=2021-04-09+"
      "16%3A27%3A51&credits=2.0000&units=2&custom=order+%23991";
  const Dlr& d = Single(Parse(body, kForm, "", ComposeNames()));
  BOOST_TEST(V(d, Field::kId) == "form-1");
  BOOST_TEST(V(d, Field::kMobile) == "919812345678");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");
  BOOST_TEST(V(d, Field::kCredits) == "2.0000");
  BOOST_TEST(V(d, Field::kCustom) == "order #991");
}

BOOST_AUTO_TEST_CASE(FormIsRecognisedWithoutAContentType) {
  BOOST_TEST(V(Single(Parse("id=x&status=DELIVRD", "")), Field::kId) == "x");
  BOOST_TEST(V(Single(Parse("id=x&status=DELIVRD", "text/plain")), Field::kId) == "x");
}

BOOST_AUTO_TEST_CASE(FormDuplicateKeysFirstOneCounts) {
  BOOST_TEST(V(Single(Parse("id=1&status=DELIVRD&id=2", kForm)), Field::kId) == "1");
}

BOOST_AUTO_TEST_CASE(FormWithABrokenEscapeIsInvalidArgument) {
  for (const char* body : {"id=x&status=%ZZ", "id=%&status=DELIVRD", "id=x&status=DELIVRD&c=%4"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      StatusOr<Payload> p = Parse(body, kForm);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
    }
  }
}

BOOST_AUTO_TEST_CASE(FormMissingStatusIsUnprocessable) {
  ExpectUnprocessableNaming(Parse("id=x&mobile=91", kForm), "status");
  ExpectUnprocessableNaming(Parse("id=x&status=", kForm), "status");
}

BOOST_AUTO_TEST_CASE(FormWithoutDlrFieldsCarriesNoDlr) {
  StatusOr<Payload> p = Parse("foo=bar&x", kForm);
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());
  BOOST_TEST(!p.value().body_empty);
}

BOOST_AUTO_TEST_CASE(FormValuesMayHoldNul) {
  const Dlr& d = Single(Parse("id=a%00b&status=DELIVRD", kForm));
  BOOST_TEST(V(d, Field::kId) == Bytes("a\0b"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadMultipartTest)

std::string Multipart(const std::string& boundary,
                      const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string body;
  for (const auto& p : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.first +
            "\"\r\n\r\n" + p.second + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

BOOST_AUTO_TEST_CASE(MultipartFormDataIsOneDlr) {
  const std::string boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
  const std::string body = Multipart(boundary, {{"id", "mp-1"},
                                                {"status", "UNDELIV"},
                                                {"deliv_time", "2021-04-09 16:27:51"},
                                                {"custom", "line1\r\nline2"}});
  const Dlr& d = Single(Parse(body, "multipart/form-data; boundary=" + boundary));
  BOOST_TEST(V(d, Field::kId) == "mp-1");
  BOOST_TEST(V(d, Field::kStatus) == "UNDELIV");
  BOOST_TEST(V(d, Field::kDelivTime) == "2021-04-09 16:27:51");  // not decoded: taken as is
  BOOST_TEST(V(d, Field::kCustom) == "line1\r\nline2");
  BOOST_TEST(d.raw == body);
}

BOOST_AUTO_TEST_CASE(MultipartAcceptsAQuotedBoundaryAndOtherHeaders) {
  const std::string body =
      "preamble\r\n"
      "--b1\r\nContent-Disposition: form-data; name=id\r\n\r\nmp-2\r\n"
      "--b1\r\nContent-Disposition: form-data; filename=\"s.txt\"; name=\"status\"\r\n"
      "Content-Type: text/plain\r\n\r\nDELIVRD\r\n"
      "--b1--\r\n";
  const Dlr& d = Single(Parse(body, "Multipart/Form-Data; charset=utf-8; boundary=\"b1\""));
  BOOST_TEST(V(d, Field::kId) == "mp-2");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");
}

BOOST_AUTO_TEST_CASE(MultipartWithTheCustomersKeys) {
  const std::string body = Multipart("xyz", {{"message_id", "m"}, {"message_status", "EXPIRED"}});
  const Dlr& d = Single(Parse(body, "multipart/form-data; boundary=xyz", "", ComposeNames()));
  BOOST_TEST(V(d, Field::kId) == "m");
  BOOST_TEST(V(d, Field::kStatus) == "EXPIRED");
}

BOOST_AUTO_TEST_CASE(BrokenMultipartIsInvalidArgument) {
  const std::pair<std::string, std::string> cases[] = {
      {"multipart/form-data", Multipart("b", {{"id", "x"}, {"status", "S"}})},  // no boundary
      {"multipart/form-data; boundary=", Multipart("b", {{"id", "x"}})},
      {"multipart/form-data; boundary=zzz", Multipart("b", {{"id", "x"}})},  // not in the body
      {"multipart/form-data; boundary=b",
       "--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nx\r\n"},  // never closed
      {"multipart/form-data; boundary=b",
       "--b\r\nContent-Disposition: form-data; name=\"id\"\r\nx\r\n--b--\r\n"},  // no blank line
      {"multipart/form-data; boundary=b",
       "--b\nContent-Disposition: form-data; name=\"id\"\n\nx\n--b--\n"},  // LF only
      {"multipart/form-data; boundary=b",
       "--b\r\nContent-Disposition: form-data; name=\"id\r\n\r\nx\r\n--b--\r\n"},  // name open
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("Content-Type [" << c.first << "] body [" << c.second << "]") {
      StatusOr<Payload> p = Parse(c.second, c.first);
      BOOST_TEST_REQUIRE(!p.ok());
      BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadQueryTest)

BOOST_AUTO_TEST_CASE(QueryAloneIsADlrWhenTheBodyIsEmpty) {
  const std::string query = "id=q-1&status=DELIVRD&deliv_time=2021-04-09+16%3A27%3A51&mobile=91";
  for (const char* body : {"", " ", "\r\n\t "}) {
    BOOST_TEST_CONTEXT("body [" << body << "]") {
      StatusOr<Payload> p = Parse(body, "", query);
      const Dlr& d = Single(p);
      BOOST_TEST(V(d, Field::kId) == "q-1");
      BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");
      BOOST_TEST(V(d, Field::kDelivTime) == "2021-04-09 16:27:51");
      BOOST_TEST(d.raw == query);  // the query string, as sent
      BOOST_TEST(p.value().body_empty);
    }
  }
}

BOOST_AUTO_TEST_CASE(QueryDlrUsesTheCustomersKeys) {
  const std::string query = "message_id=c-1&mobile_number=91&message_status=DELIVRD";
  const Dlr& d = Single(Parse("", "", query, ComposeNames()));
  BOOST_TEST(V(d, Field::kId) == "c-1");
  BOOST_TEST(V(d, Field::kMobile) == "91");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");
}

BOOST_AUTO_TEST_CASE(QueryDlrLackingStatusIsUnprocessable) {
  ExpectUnprocessableNaming(Parse("", "", "id=q-1"), "status");
  ExpectUnprocessableNaming(Parse("", "", "token=9012XX&status=DELIVRD"), "id");
}

BOOST_AUTO_TEST_CASE(QueryFillsFieldsTheBodyLeavesOutButNeverOverrides) {
  const std::string query = "status=UNDELIV&mobile=919800000000&custom=from-query&id=q";
  const Dlr& j = Single(Parse(R"({"id":"b","status":"DELIVRD","custom":null})", kJson, query));
  BOOST_TEST(V(j, Field::kId) == "b");
  BOOST_TEST(V(j, Field::kStatus) == "DELIVRD");
  BOOST_TEST(V(j, Field::kMobile) == "919800000000");
  BOOST_TEST(V(j, Field::kCustom) == "from-query");  // null is absent
  BOOST_TEST(j.raw == R"({"id":"b","status":"DELIVRD","custom":null})");

  const Dlr& f = Single(Parse("id=b&status=DELIVRD&custom=", kForm, query));
  BOOST_TEST(V(f, Field::kStatus) == "DELIVRD");
  BOOST_TEST(V(f, Field::kMobile) == "919800000000");
  BOOST_TEST(V(f, Field::kCustom) == "");  // sent empty: kept
}

BOOST_AUTO_TEST_CASE(QueryCanSupplyTheIdOfAComposedBody) {
  // Compose Webhook: https://www.domain.com/ack/receive?id=@{{id}} with a
  // JSON body that names the status message_status.
  FieldNames names;
  names.key[static_cast<size_t>(Field::kStatus)] = "message_status";
  const Dlr& d = Single(Parse(R"({"message_status":"DELIVRD"})", kJson, "id=abc-1", names));
  BOOST_TEST(V(d, Field::kId) == "abc-1");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");
}

BOOST_AUTO_TEST_CASE(TheComposeExampleParses) {
  FieldNames names;
  names.key[static_cast<size_t>(Field::kStatus)] = "message_status";
  const Dlr& d = Single(Parse(kComposeExample, kJson, "id=%40%7B%7Bid%7D%7D", names));
  BOOST_TEST(V(d, Field::kId) == "@{{id}}");
  BOOST_TEST(V(d, Field::kStatus) == "@{{status}}");
  BOOST_TEST(V(d, Field::kCredits) == "@{{credits}}");
}

BOOST_AUTO_TEST_CASE(TokenIsNeverAField) {
  StatusOr<Payload> p = Parse("", "", "token=9012XX");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());

  // Even when a mapping names it, token is not read from the query or a form.
  FieldNames names;
  names.key[static_cast<size_t>(Field::kId)] = "token";
  ExpectUnprocessableNaming(Parse("", "", "token=abc&status=DELIVRD", names), "token");
  ExpectUnprocessableNaming(Parse("status=DELIVRD&token=abc", kForm, "", names), "token");
  ExpectUnprocessableNaming(Parse(R"({"status":"DELIVRD"})", kJson, "token=abc", names), "token");
}

BOOST_AUTO_TEST_CASE(BodyKeysUnderTheirDefaultNamesAreIgnoredOnceMapped) {
  StatusOr<Payload> p =
      Parse(R"({"message_id":"m1","message_status":"DELIVRD","id":"no","status":"no"})", kJson, "",
            ComposeNames());
  const Dlr& d = Single(p);
  BOOST_TEST(V(d, Field::kId) == "m1");
  BOOST_TEST(V(d, Field::kStatus) == "DELIVRD");

  p = Parse(R"({"id":"x","status":"DELIVRD"})", kJson, "", ComposeNames());
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());
}

BOOST_AUTO_TEST_CASE(EmptyBodyAndQueryCarryNothing) {
  StatusOr<Payload> p = Parse("", "");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());
  BOOST_TEST(!p.value().challenge.has_value());
  BOOST_TEST(p.value().body_empty);

  p = Parse("", "", "foo=bar");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());
  BOOST_TEST(p.value().body_empty);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ParsePayloadHandshakeTest)

BOOST_AUTO_TEST_CASE(ChallengeFromThePlatformsJsonBody) {
  StatusOr<Payload> p = Parse(kPlatformVerifyBody, kJson, "token=9012XX");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "a234qwe");
  BOOST_TEST(!p.value().body_empty);
}

BOOST_AUTO_TEST_CASE(ChallengeFromAFormBody) {
  StatusOr<Payload> p = Parse("validation_key=9012XX&challenge=a+234%21", kForm, "token=9012XX");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().dlrs.empty());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "a 234!");
}

BOOST_AUTO_TEST_CASE(ChallengeFromTheQuery) {
  StatusOr<Payload> p = Parse("", "", "token=9012XX&challenge=q%2F1");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "q/1");

  p = Parse(R"({"validation_key":"9012XX"})", kJson, "token=9012XX&challenge=q2");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "q2");

  p = Parse("validation_key=9012XX", kForm, "token=9012XX&challenge=q3");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "q3");
}

BOOST_AUTO_TEST_CASE(BodyChallengeWinsOverTheQuerys) {
  StatusOr<Payload> p = Parse(R"({"challenge":"body"})", kJson, "token=k&challenge=query");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "body");
  p = Parse("challenge=body", kForm, "token=k&challenge=query");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "body");
}

BOOST_AUTO_TEST_CASE(NumericChallengeKeepsItsText) {
  StatusOr<Payload> p = Parse(R"({"challenge": 12345.0})", kJson, "token=k");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(p.value().challenge.value_or("(none)") == "12345.0");
}

BOOST_AUTO_TEST_CASE(NoChallengeWhenNoneIsSent) {
  StatusOr<Payload> p = Parse(R"({"validation_key":"9012XX"})", kJson, "token=9012XX");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(!p.value().challenge.has_value());
  p = Parse("", "", "token=9012XX");
  BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
  BOOST_TEST(!p.value().challenge.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
