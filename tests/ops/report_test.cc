#define BOOST_TEST_DYN_LINK
#include "common/ops/report.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/testing/test_util.h"

namespace dlr {
namespace {

using test::Counts;

EventStats Sample() {
  EventStats s;
  s.total = Counts(3, 2, 1);
  s.first_received_at = "2026-03-01T10:00:00.000Z";
  s.last_received_at = "2026-03-02T11:30:00.000Z";
  s.by_status = {{"DELIVRD", Counts(3, 0, 0)},
                 {"UNDELIV", Counts(0, 1, 0)},
                 {"EXPIRED", Counts(0, 1, 0)},
                 {"AWAITING-DLR", Counts(0, 0, 1)}};
  s.by_provider = {{"Airtel", Counts(2, 1, 0)}, {std::nullopt, Counts(1, 1, 1)}};
  s.by_location = {{"Delhi", Counts(3, 2, 1)}};
  s.by_day = {{"2026-03-01", Counts(2, 1, 1)}, {"2026-03-02", Counts(1, 1, 0)}};
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ReportTest)

BOOST_AUTO_TEST_CASE(TablesAlignAndCarryNoTrailingSpaces) {
  std::string t = RenderTable({"name", "n"}, {{"a", "1"}, {"long name", "100"}, {"é", "7"}}, "lr");
  BOOST_TEST(t ==
             "name         n\n"
             "a            1\n"
             "long name  100\n"
             "é            7\n");
  BOOST_TEST(RenderTable({}, {{"x", "", ""}}, "lrl") == "x\n");
}

BOOST_AUTO_TEST_CASE(PercentagesHaveOneDecimal) {
  BOOST_TEST(FormatPercent(0.6) == "60.0%");
  BOOST_TEST(FormatPercent(2.0 / 3.0) == "66.7%");
  BOOST_TEST(FormatPercent(0) == "0.0%");
  BOOST_TEST(FormatPercent(1) == "100.0%");
  BOOST_TEST(FormatPercent(-1) == "-");
}

BOOST_AUTO_TEST_CASE(RatesAreAmongFinalEvents) {
  StatusCounts c = Counts(3, 1, 6);
  BOOST_TEST(c.DeliveredRate() == 0.75);
  BOOST_TEST(c.FailedRate() == 0.25);
  BOOST_TEST(Counts(0, 0, 4).DeliveredRate() < 0);
}

BOOST_AUTO_TEST_CASE(StatsTableReadsAsAReport) {
  EventFilter f;
  f.since = "2026-03-01T00:00:00.000Z";
  f.statuses = {"DELIVRD", "UNDELIV"};
  std::string t = RenderStatsTable(Sample(), f);
  BOOST_TEST(t ==
             "events since 2026-03-01T00:00:00.000Z, status DELIVRD,UNDELIV\n"
             "events     6  received 2026-03-01T10:00:00.000Z .. 2026-03-02T11:30:00.000Z\n"
             "delivered  3  60.0% of final events\n"
             "failed     2  40.0% of final events\n"
             "pending    1\n"
             "\n"
             "status        events  share\n"
             "DELIVRD            3  50.0%\n"
             "UNDELIV            1  16.7%\n"
             "EXPIRED            1  16.7%\n"
             "AWAITING-DLR       1  16.7%\n"
             "\n"
             "provider  events  delivered  failed  pending  delivered%\n"
             "Airtel         3          2       1        0       66.7%\n"
             "(none)         3          1       1        1       50.0%\n"
             "\n"
             "location  events  delivered  failed  pending  delivered%\n"
             "Delhi          6          3       2        1       60.0%\n"
             "\n"
             "day (UTC)   events  delivered  failed  pending  delivered%\n"
             "2026-03-01       4          2       1        1       66.7%\n"
             "2026-03-02       2          1       1        0       50.0%\n");
}

BOOST_AUTO_TEST_CASE(StatsTableOfNothingIsShort) {
  std::string t = RenderStatsTable(EventStats(), EventFilter());
  BOOST_TEST(t ==
             "events     0\n"
             "delivered  0\n"
             "failed     0\n"
             "pending    0\n");
}

BOOST_AUTO_TEST_CASE(StatsJsonCarriesTheSameFigures) {
  EventFilter f;
  f.webhook = "sms";
  std::string j = RenderStatsJson(Sample(), f);
  rapidjson::Document d;
  d.Parse(j.c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError());
  BOOST_TEST(d["events"].GetInt() == 6);
  BOOST_TEST(d["delivered"].GetInt() == 3);
  BOOST_TEST(d["failed"].GetInt() == 2);
  BOOST_TEST(d["pending"].GetInt() == 1);
  BOOST_TEST(d["delivered_rate"].GetDouble() == 0.6);
  BOOST_TEST(d["failed_rate"].GetDouble() == 0.4);
  BOOST_TEST(std::string(d["filter"]["webhook"].GetString()) == "sms");
  BOOST_TEST(d["filter"]["since"].IsNull());
  BOOST_TEST(d["by_status"].Size() == 4u);
  BOOST_TEST(std::string(d["by_status"][0]["status"].GetString()) == "DELIVRD");
  BOOST_TEST(d["by_provider"][1]["provider"].IsNull());
  BOOST_TEST(d["by_provider"][0]["delivered_rate"].GetDouble() == 0.6667);
  BOOST_TEST(d["by_status"][3]["delivered_rate"].IsNull());  // pending only: no final event
  BOOST_TEST(std::string(d["by_day"][1]["day"].GetString()) == "2026-03-02");
  BOOST_TEST(std::string(d["first_received_at"].GetString()) == "2026-03-01T10:00:00.000Z");
  BOOST_TEST(d["by_hour"].Size() == 0u);
  BOOST_TEST(d["by_webhook"].Size() == 0u);
}

BOOST_AUTO_TEST_CASE(StatsShowTheLastEventOfEachWebhook) {
  EventStats s = Sample();
  s.by_hour = {{"2026-03-01T10", Counts(2, 1, 1), ""}, {"2026-03-02T11", Counts(1, 1, 0), ""}};
  s.by_webhook = {{"sms", Counts(3, 2, 1), "2026-03-02T11:30:00.000Z"}};
  std::string t = RenderStatsTable(s, EventFilter());
  BOOST_TEST(t.find("webhook  events  delivered  failed  pending  delivered%  last received\n"
                    "sms           6          3       2        1       60.0%  "
                    "2026-03-02T11:30:00.000Z\n") != std::string::npos,
             t);
  BOOST_TEST(t.find("hour") == std::string::npos);  // hours: JSON only
  rapidjson::Document d;
  d.Parse(RenderStatsJson(s, EventFilter()).c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError());
  BOOST_TEST(std::string(d["by_hour"][1]["hour"].GetString()) == "2026-03-02T11");
  BOOST_TEST(d["by_hour"][1]["failed"].GetInt() == 1);
  BOOST_TEST(!d["by_hour"][1].HasMember("last_received_at"));
  BOOST_TEST(std::string(d["by_webhook"][0]["webhook"].GetString()) == "sms");
  BOOST_TEST(std::string(d["by_webhook"][0]["last_received_at"].GetString()) ==
             "2026-03-02T11:30:00.000Z");
}

BOOST_AUTO_TEST_CASE(RejectedTableAndJsonLines) {
  RejectedRow r;
  r.seq = 12;
  r.rejected.received_at = "2026-03-01T10:00:00.000Z";
  r.rejected.webhook = "sms";
  r.rejected.remote_addr = "203.0.113.7";
  r.rejected.http_status = 400;
  r.rejected.error = "bad_request";
  r.rejected.reason = "the body is not valid JSON\x1b[2J";  // no terminal control in a table
  r.rejected.content_type = "application/json";
  r.rejected.raw = "{\"id\":";
  r.rejected.method = "POST";
  r.rejected.query = "";
  RejectedRow replayed = r;
  replayed.seq = 9;
  replayed.replayed_at = "2026-03-02T00:00:00.000Z";
  replayed.replay_status = 200;
  replayed.rejected.remote_addr.clear();
  BOOST_TEST(RenderRejectedTable({r, replayed}) ==
             "seq  received_at               webhook  remote       http  error        bytes  "
             "replay  reason\n"
             " 12  2026-03-01T10:00:00.000Z  sms      203.0.113.7   400  bad_request      6  "
             "     -  the body is not valid JSON?[2J\n"
             "  9  2026-03-01T10:00:00.000Z  sms      -             400  bad_request      6  "
             "   200  the body is not valid JSON?[2J\n");
  rapidjson::Document d;
  std::string line = RejectedJsonLine(replayed);
  d.Parse(line.c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError());
  BOOST_TEST(d["seq"].GetInt() == 9);
  BOOST_TEST(std::string(d["raw"].GetString()) == "{\"id\":");
  BOOST_TEST(std::string(d["query"].GetString()) == "");
  BOOST_TEST(d["replay_status"].GetInt() == 200);
  d.Parse(RejectedJsonLine(r).c_str());
  BOOST_TEST(d["replayed_at"].IsNull());
  BOOST_TEST(d["replay_status"].IsNull());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
