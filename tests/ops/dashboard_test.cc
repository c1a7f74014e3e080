#define BOOST_TEST_DYN_LINK
#include "common/ops/dashboard.h"

#include <rapidjson/document.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "common/base/time.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

// 2026-03-02T10:30:00.000Z
const int64_t kNow = DaysFromCivil(2026, 3, 2) * 86400000 + 10 * 3600000 + 30 * 60000;

const char kHostile[] = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

using test::Counts;

DashboardData Sample() {
  DashboardData d;
  d.base_path = "/dlr/status";
  d.now_millis = kNow;
  d.stale_after_minutes = 60;
  EventStats& s = d.stats;
  s.total = Counts(3, 2, 1);
  s.first_received_at = "2026-03-01T12:00:00.000Z";
  s.last_received_at = "2026-03-02T10:10:00.000Z";
  s.by_status = {{"DELIVRD", Counts(3, 0, 0)},
                 {"UNDELIV", Counts(0, 1, 0)},
                 {kHostile, Counts(0, 1, 0)},
                 {"AWAITING-DLR", Counts(0, 0, 1)},
                 {"sent", Counts(0, 1, 2)}};
  s.by_provider = {{"Airtel", Counts(2, 1, 0)}, {kHostile, Counts(1, 1, 1)}};
  s.by_location = {{std::nullopt, Counts(3, 2, 1)}};
  s.by_hour = {{"2026-03-01T12", Counts(1, 1, 0)}, {"2026-03-02T10", Counts(2, 1, 1)}};
  s.by_webhook = {{"sms", Counts(3, 2, 1), "2026-03-02T10:10:00.000Z"}};
  d.webhooks = WebhookActivities({{"sms", "/receive/callback"}, {"old", "/old"}}, s, kNow, 60);
  RejectedRow r;
  r.seq = 7;
  r.rejected.received_at = "2026-03-02T09:00:00.000Z";
  r.rejected.webhook = "sms";
  r.rejected.remote_addr = "203.0.113.9";
  r.rejected.http_status = 400;
  r.rejected.error = "bad_request";
  r.rejected.reason = std::string("not JSON: ") + kHostile;
  r.rejected.content_type = "application/json";
  r.rejected.method = "POST";
  r.rejected.raw = kHostile;
  d.rejected = {r};
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DashboardTest)

BOOST_AUTO_TEST_CASE(TheWindowIsTheCurrentHourAndThe47Before) {
  std::vector<std::string> hours = WindowHours(kNow);
  BOOST_TEST_REQUIRE(hours.size() == 48u);
  BOOST_TEST(hours.front() == "2026-02-28T11");
  BOOST_TEST(hours[12] == "2026-02-28T23");
  BOOST_TEST(hours[13] == "2026-03-01T00");
  BOOST_TEST(hours.back() == "2026-03-02T10");
  BOOST_TEST(WindowStart(kNow) == "2026-02-28T11:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(EveryHourHasABarEmptyOnesToo) {
  std::vector<HourBar> bars = HourBars(Sample().stats, WindowHours(kNow));
  BOOST_TEST_REQUIRE(bars.size() == 48u);
  BOOST_TEST(bars[0].delivered + bars[0].failed + bars[0].pending == 0);
  BOOST_TEST(bars[25].hour == "2026-03-01T12");
  BOOST_TEST(bars[25].delivered == 1);
  BOOST_TEST(bars[25].failed == 1);
  BOOST_TEST(bars[47].pending == 1);
}

BOOST_AUTO_TEST_CASE(AWebhookQuietLongerThanTheLimitIsStale) {
  EventStats s;
  s.by_webhook = {{"fresh", Counts(1, 0, 0), "2026-03-02T10:00:00.000Z"},
                  {"quiet", Counts(1, 0, 0), "2026-03-02T09:29:59.999Z"},
                  {"edge", Counts(1, 0, 0), "2026-03-02T09:30:00.000Z"},
                  {"renamed", Counts(2, 0, 0), "2026-03-02T10:20:00.000Z"}};
  std::vector<WebhookActivity> a = WebhookActivities(
      {{"fresh", "/f"}, {"quiet", "/q"}, {"edge", "/e"}, {"never", ""}}, s, kNow, 60);
  BOOST_TEST_REQUIRE(a.size() == 5u);
  const struct {
    const char* name;
    bool stale;
    bool configured;
  } want[] = {{"fresh", false, true},
              {"quiet", true, true},
              {"edge", false, true},
              {"never", true, true},
              {"renamed", false, false}};
  for (size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST_CONTEXT("webhook " << want[i].name) {
      BOOST_TEST(a[i].name == want[i].name);
      BOOST_TEST(a[i].stale == want[i].stale);
      BOOST_TEST(a[i].configured == want[i].configured);
    }
  }
  BOOST_TEST(a[3].last_received_at.empty());
  BOOST_TEST(a[3].counts.events == 0);
}

BOOST_AUTO_TEST_CASE(AWebhookQuietBeforeTheWindowShowsItsLastDlr) {
  EventStats s;
  s.by_webhook = {{"sms", Counts(1, 0, 0), "2026-03-02T10:00:00.000Z"}};
  const std::vector<WebhookRef> configured = {
      {"sms", "/s"}, {"gone", "/g"}, {"never", "/n"}, {"<b>x</b>", "/x"}};
  BOOST_TEST(WebhooksWithoutEvents(configured, s) ==
                 (std::vector<std::string>{"gone", "never", "<b>x</b>"}),
             boost::test_tools::per_element());
  DashboardData d = Sample();
  d.webhooks = WebhookActivities(configured, s, kNow, 60,
                                 {{"gone", "2026-02-25T10:00:00.000Z"},
                                  {"<b>x</b>", "2026-02-28T09:00:00.000Z"},
                                  {"sms", "2020-01-01T00:00:00.000Z"}});  // the window's wins
  BOOST_TEST_REQUIRE(d.webhooks.size() == 4u);
  BOOST_TEST(d.webhooks[0].last_received_at == "2026-03-02T10:00:00.000Z");
  BOOST_TEST(!d.webhooks[0].stale);
  BOOST_TEST(d.webhooks[1].last_received_at == "2026-02-25T10:00:00.000Z");
  BOOST_TEST(d.webhooks[1].stale);
  BOOST_TEST(d.webhooks[1].counts.events == 0);
  BOOST_TEST(d.webhooks[2].last_received_at.empty());
  BOOST_TEST(d.webhooks[2].stale);
  std::string html = RenderDashboardHtml(d);
  for (const char* want : {
           "<tr class=\"stale\" data-webhook=\"gone\">",
           "<td class=\"last\">2026-02-25 10:00:00 UTC, 5 days ago</td>",
           "<td class=\"last\">never</td>",
           "<tr class=\"stale\" data-webhook=\"&lt;b&gt;x&lt;/b&gt;\">",
           "<td class=\"last\">2026-02-28 09:00:00 UTC, 2 days ago</td>",
           "<td class=\"last\">2026-03-02 10:00:00 UTC</td>",
       }) {
    BOOST_TEST(html.find(want) != std::string::npos, want);
  }
  BOOST_TEST(html.find("<b>x</b>") == std::string::npos);
  std::string json = RenderDashboardJson(d);
  rapidjson::Document j;
  j.Parse(json.c_str());
  BOOST_TEST_REQUIRE(!j.HasParseError());
  BOOST_TEST(std::string(j["webhooks"][1]["last_received_at"].GetString()) ==
             "2026-02-25T10:00:00.000Z");
  BOOST_TEST(j["webhooks"][1]["stale"].GetBool());
  BOOST_TEST(j["webhooks"][1]["events"].GetInt() == 0);
  BOOST_TEST(j["webhooks"][2]["last_received_at"].IsNull());
}

BOOST_AUTO_TEST_CASE(ThePageShowsTheFigures) {
  std::string html = RenderDashboardHtml(Sample());
  BOOST_TEST(html.rfind("<!DOCTYPE html>", 0) == 0);
  BOOST_TEST(
      html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") !=
      std::string::npos);
  for (const char* want : {
           "<span class=\"n\" id=\"total-events\">6</span>",
           "<span class=\"n\" id=\"total-delivered\">3</span>",
           "<span class=\"n\" id=\"total-failed\">2</span>",
           "<span class=\"n\" id=\"total-pending\">1</span>",
           "<span class=\"n\" id=\"delivery-rate\">60.0%</span>",
           "data-hour=\"2026-03-02T10\" data-delivered=\"2\" data-failed=\"1\" data-pending=\"1\"",
           "<tr class=\"ok\" data-webhook=\"sms\"><td class=\"t\">sms</td>",
           "<tr class=\"stale\" data-webhook=\"old\">",
           "<span class=\"badge stale\">stale</span>",
           "<td class=\"last\">never</td>",
           "<td class=\"t\">Airtel</td><td class=\"n\">3</td><td class=\"n\">2</td><td "
           "class=\"n opt\">1</td><td class=\"n opt\">0</td><td class=\"n rate\">66.7%</td>",
           "<td class=\"t\">(none)</td>",
           "<a href=\"/dlr/status/rejected/7\">raw</a>",
           // What each status counts as: its events' stored classes.
           "<tr><td class=\"t\">DELIVRD</td><td>delivered</td>",
           "<tr><td class=\"t\">UNDELIV</td><td>failed</td>",
           "<tr><td class=\"t\">AWAITING-DLR</td><td>pending</td>",
           "<tr><td class=\"t\">sent</td><td>pending 2, failed 1</td>",
           "<a href=\"/dlr/status/data.json\">JSON</a>",
       }) {
    BOOST_TEST(html.find(want) != std::string::npos, "missing: " << want);
  }
  BOOST_TEST(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // nothing remote
}

BOOST_AUTO_TEST_CASE(HostileStringsAreShownAsText) {
  std::string html = RenderDashboardHtml(Sample());
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("<img") == std::string::npos);
  BOOST_TEST(html.find("onerror=alert(2)>") == std::string::npos);
  BOOST_TEST(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x "
                       "onerror=alert(2)&gt;") != std::string::npos);
  // The raw body is not on the page: one click away.
  BOOST_TEST(html.find("alert(1)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AHostileBasePathIsEscapedToo) {
  DashboardData d = Sample();
  d.base_path = "/\"><script>x</script>";
  std::string html = RenderDashboardHtml(d);
  BOOST_TEST(html.find("<script") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(AnEmptyDatabaseReadsAsSuch) {
  DashboardData d;
  d.base_path = "/s";
  d.now_millis = kNow;
  d.webhooks = WebhookActivities({{"sms", ""}}, d.stats, kNow, 60);
  std::string html = RenderDashboardHtml(d);
  BOOST_TEST(html.find("id=\"delivery-rate\">-</span>") != std::string::npos);
  BOOST_TEST(html.find("No DLR in the window.") != std::string::npos);
  BOOST_TEST(html.find("(every path)") != std::string::npos);
  rapidjson::Document j;
  j.Parse(RenderDashboardJson(d).c_str());
  BOOST_TEST_REQUIRE(!j.HasParseError());
  BOOST_TEST(j["stats"]["events"].GetInt() == 0);
  BOOST_TEST(j["webhooks"][0]["last_received_at"].IsNull());
  BOOST_TEST(j["webhooks"][0]["path"].IsNull());
}

BOOST_AUTO_TEST_CASE(TheJsonCarriesTheSameFigures) {
  std::string json = RenderDashboardJson(Sample());
  rapidjson::Document j;
  j.Parse(json.c_str());
  BOOST_TEST_REQUIRE(!j.HasParseError(), json);
  BOOST_TEST(std::string(j["generated_at"].GetString()) == "2026-03-02T10:30:00.000Z");
  BOOST_TEST(std::string(j["window"]["since"].GetString()) == "2026-02-28T11:00:00.000Z");
  BOOST_TEST(j["window"]["hours"].GetInt() == 48);
  BOOST_TEST(j["stale_after_minutes"].GetInt() == 60);
  // "stats" is what `dlrctl stats --json --since <window>` prints.
  BOOST_TEST(j["stats"]["events"].GetInt() == 6);
  BOOST_TEST(j["stats"]["delivered_rate"].GetDouble() == 0.6);
  BOOST_TEST(std::string(j["stats"]["filter"]["since"].GetString()) == "2026-02-28T11:00:00.000Z");
  BOOST_TEST(std::string(j["stats"]["by_provider"][1]["provider"].GetString()) == kHostile);
  BOOST_TEST(std::string(j["stats"]["by_hour"][1]["hour"].GetString()) == "2026-03-02T10");
  BOOST_TEST_REQUIRE(j["webhooks"].Size() == 2u);
  BOOST_TEST(j["webhooks"][0]["stale"].GetBool() == false);
  BOOST_TEST(j["webhooks"][1]["stale"].GetBool() == true);
  BOOST_TEST(std::string(j["webhooks"][0]["last_received_at"].GetString()) ==
             "2026-03-02T10:10:00.000Z");
  BOOST_TEST_REQUIRE(j["rejected"].Size() == 1u);
  BOOST_TEST(j["rejected"][0]["seq"].GetInt() == 7);
  BOOST_TEST(j["rejected"][0]["bytes"].GetInt() == static_cast<int>(sizeof kHostile - 1));
  BOOST_TEST(std::string(j["rejected"][0]["raw_url"].GetString()) == "/dlr/status/rejected/7");
  BOOST_TEST(!j["rejected"][0].HasMember("raw"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
