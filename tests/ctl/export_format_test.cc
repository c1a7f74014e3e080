#define BOOST_TEST_DYN_LINK
#include "common/ctl/export_format.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <string>

namespace dlr {
namespace {

struct CsvCase {
  std::string value;
  bool is_null;
  std::string want;
};

EventRow Event() {
  EventRow e;
  e.seq = 7;
  e.dlr.Set(Field::kId, "b34e35ad:1");
  e.dlr.Set(Field::kMobile, "918921269xxx");
  e.dlr.Set(Field::kStatus, "DELIVRD");
  e.dlr.Set(Field::kCustom, "a,b \"c\"\nd");
  e.dlr.Set(Field::kCustom1, "");
  e.dlr.Set(Field::kErrorCode, "30003");
  e.dlr.dlr_class = DlrClass::kDelivered;
  e.dlr.raw = "{\"id\": \"b34e35ad:1\",\n}";
  e.webhook = "sms";
  e.received_at = "2026-03-01T10:00:00.000Z";
  e.query = "campaign=7";
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ExportFormatTest)

BOOST_AUTO_TEST_CASE(CsvFieldsAreQuotedWhenTheyMustBe) {
  const CsvCase cases[] = {
      {"plain", false, "plain"},
      {"", true, ""},       // NULL: nothing
      {"", false, "\"\""},  // the empty string: "" (not NULL)
      {"a,b", false, "\"a,b\""},
      {"say \"hi\"", false, "\"say \"\"hi\"\"\""},
      {"\"", false, "\"\"\"\""},
      {"line1\nline2", false, "\"line1\nline2\""},
      {"cr\r", false, "\"cr\r\""},
      {" spaced ", false, " spaced "},            // spaces are data
      {"+918921269000", false, "+918921269000"},  // kept exact
      {"caf\xc3\xa9", false, "caf\xc3\xa9"},
      {"\xff\xfe", false, "\xff\xfe"},  // bytes as they are
      {"tab\there", false, "tab\there"},
  };
  for (const CsvCase& c : cases) {
    BOOST_TEST_CONTEXT("[" << c.value << "] null=" << c.is_null) {
      std::string out;
      AppendCsvField(c.value, c.is_null, &out);
      BOOST_TEST(out == c.want);
    }
  }
}

BOOST_AUTO_TEST_CASE(HeaderNamesTheContractsColumns) {
  std::string out;
  AppendCsvHeader(&out);
  BOOST_TEST(out ==
             "id,mobile,status,credits,units,deliv_time,sent_time,submit_time,deliv_at,sent_at,"
             "submit_at,cid,custom,custom1,custom2,location,region,provider,location_code,"
             "region_code,provider_code,error_code,dlr_class,webhook,raw,received_at,query\r\n");
  BOOST_TEST(ExportColumns().size() == 27u);
}

BOOST_AUTO_TEST_CASE(CsvRowKeepsEveryValue) {
  std::string out;
  AppendCsvRow(Event(), &out);
  BOOST_TEST(out ==
             "b34e35ad:1,918921269xxx,DELIVRD,,,,,,,,,,\"a,b \"\"c\"\"\nd\",\"\",,,,,,,,30003,"
             "delivered,sms,"
             "\"{\"\"id\"\": \"\"b34e35ad:1\"\",\n}\",2026-03-01T10:00:00.000Z,campaign=7\r\n");
}

BOOST_AUTO_TEST_CASE(CsvRowWithoutQueryEndsWithAnEmptyField) {
  EventRow e = Event();
  e.query.reset();
  std::string out;
  AppendCsvRow(e, &out);
  BOOST_TEST(out.substr(out.size() - 28) == ",2026-03-01T10:00:00.000Z,\r\n");
}

BOOST_AUTO_TEST_CASE(JsonLineParsesWithEveryColumnAsAKey) {
  std::string out;
  AppendJsonLine(Event(), &out);
  BOOST_TEST_REQUIRE(out.back() == '\n');
  BOOST_TEST(out.find('\n') == out.size() - 1);  // one line, whatever the values hold
  rapidjson::Document d;
  d.Parse(out.c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError());
  BOOST_TEST_REQUIRE(d.IsObject());
  BOOST_TEST(d.MemberCount() == 27u);
  for (const std::string& column : ExportColumns()) {
    BOOST_TEST(d.HasMember(column.c_str()), column);
  }
  BOOST_TEST(std::string(d["id"].GetString()) == "b34e35ad:1");
  BOOST_TEST(std::string(d["custom"].GetString()) == "a,b \"c\"\nd");
  BOOST_TEST(std::string(d["custom1"].GetString()) == "");
  BOOST_TEST(d["credits"].IsNull());
  BOOST_TEST(std::string(d["raw"].GetString()) == "{\"id\": \"b34e35ad:1\",\n}");
  BOOST_TEST(std::string(d["received_at"].GetString()) == "2026-03-01T10:00:00.000Z");
  BOOST_TEST(std::string(d["query"].GetString()) == "campaign=7");
  BOOST_TEST(std::string(d["error_code"].GetString()) == "30003");
  BOOST_TEST(std::string(d["dlr_class"].GetString()) == "delivered");
}

BOOST_AUTO_TEST_CASE(ARowWithoutAClassOrErrorCodeHasThemNull) {
  EventRow e = Event();
  e.dlr.values[static_cast<size_t>(Field::kErrorCode)].reset();
  e.dlr.dlr_class.reset();
  std::string csv;
  AppendCsvRow(e, &csv);
  BOOST_TEST(csv.find(",,,,,,,,,sms,") != std::string::npos, csv);  // provider_code..dlr_class
  std::string line;
  AppendJsonLine(e, &line);
  rapidjson::Document d;
  d.Parse(line.c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError());
  BOOST_TEST(d["error_code"].IsNull());
  BOOST_TEST(d["dlr_class"].IsNull());
  for (DlrClass c : {DlrClass::kPending, DlrClass::kFailed}) {
    e.dlr.dlr_class = c;
    line.clear();
    AppendJsonLine(e, &line);
    d.Parse(line.c_str());
    BOOST_TEST_REQUIRE(!d.HasParseError());
    BOOST_TEST(std::string(d["dlr_class"].GetString()) == DlrClassName(c));
  }
}

BOOST_AUTO_TEST_CASE(JsonLineReplacesBytesThatAreNotUtf8) {
  EventRow e = Event();
  e.dlr.Set(Field::kCustom, "a\xff");
  e.query.reset();
  std::string out;
  AppendJsonLine(e, &out);
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(out.c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError());
  BOOST_TEST(std::string(d["custom"].GetString()) == "a\xef\xbf\xbd");
  BOOST_TEST(d["query"].IsNull());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
