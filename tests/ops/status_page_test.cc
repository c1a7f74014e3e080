// The status page against a real SQLite file: routes, access, headers, and
// the figures it reads through StoreReader::Stats and StoreReader::ScanRejected.
#define BOOST_TEST_DYN_LINK
#include "common/ops/status_page.h"

#include <rapidjson/document.h>
#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "common/base/time.h"
#include "common/store/reader.h"
#include "common/store/sqlite/sqlite_store.h"
#include "tests/testing/temp_dir.h"

namespace dlr {
namespace {

// 2026-03-02T10:30:00.000Z
const int64_t kNow = DaysFromCivil(2026, 3, 2) * 86400000 + 10 * 3600000 + 30 * 60000;

using test::TempDir;

Dlr MakeDlr(const std::string& id, const std::string& status, const std::string& provider) {
  Dlr d;
  d.Set(Field::kId, id);
  d.Set(Field::kStatus, status);
  d.Set(Field::kProvider, provider);
  d.raw = "{\"id\":\"" + id + "\"}";
  return d;
}

Config PageConfig(std::optional<std::string> password, std::optional<std::string> user = {}) {
  Config c;
  c.database = "unused";
  Webhook sms;
  sms.name = "sms";
  sms.path = "/receive/callback";
  sms.secrets = {"webhook-secret"};
  Webhook old;
  old.name = "old";
  old.path = "/old";
  c.webhooks = {sms, old};
  DashboardConfig d;
  d.path = "/dlr/status";
  d.password = std::move(password);
  d.user = std::move(user);
  c.dashboard = d;
  return c;
}

struct Fixture {
  Fixture() : store(dir.File("dlr.sqlite"), StoreOptions()) {
    Commit("2026-03-02T10:10:00.000Z", "sms",
           {MakeDlr("a", "DELIVRD", "Airtel"), MakeDlr("b", "UNDELIV", "Airtel"),
            MakeDlr("c", "AWAITING-DLR", "Jio")});
    Commit("2026-03-01T09:00:00.000Z", "old", {MakeDlr("d", "DELIVRD", "Jio")});
    Commit("2026-02-01T09:00:00.000Z", "sms",
           {MakeDlr("e", "EXPIRED", "Jio")});  // before the window
    Rejected r;
    r.received_at = "2026-03-02T09:00:00.000Z";
    r.webhook = "sms";
    r.remote_addr = "203.0.113.9";
    r.http_status = 400;
    r.error = "bad_request";
    r.reason = "the body is not valid JSON";
    r.content_type = "application/json";
    r.raw = "{\"id\": <script>alert(1)</script>";
    r.method = "POST";
    BOOST_TEST_REQUIRE(store.RecordRejected(r).ok());
  }
  void Commit(const std::string& at, const std::string& webhook, std::vector<Dlr> dlrs) {
    Batch b;
    b.webhook = webhook;
    b.received_at = at;
    b.dlrs = std::move(dlrs);
    StatusOr<BatchResult> r = store.StoreBatch(b);
    BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  }
  Response Get(const Config& c, const std::string& path, const std::string& authorization = "",
               const std::string& remote = "203.0.113.5", const std::string& query = "") {
    Request req;
    req.method = "GET";
    req.path = path;
    req.query = query;
    req.authorization = authorization;
    req.remote_addr = remote;
    return HandleDashboard(req, c, reader, kNow);
  }

  TempDir dir{"status_page_test"};
  SqliteStore store;
  StoreReader reader{store};
};

// "Basic " + base64("ops:page-pass"), and of "anyone:page-pass".
constexpr char kOpsBasic[] = "Basic b3BzOnBhZ2UtcGFzcw==";
constexpr char kAnyoneBasic[] = "Basic YW55b25lOnBhZ2UtcGFzcw==";
constexpr char kWrongBasic[] = "Basic b3BzOnBhZ2UtcGFzcz==";  // ops:page-pas

}  // namespace

BOOST_FIXTURE_TEST_SUITE(StatusPageTest, Fixture)

BOOST_AUTO_TEST_CASE(OnlyItsOwnPathsAreTheDashboards) {
  Config c = PageConfig("page-pass");
  BOOST_TEST(IsDashboardPath(c, "/dlr/status"));
  BOOST_TEST(IsDashboardPath(c, "/dlr/status/"));
  BOOST_TEST(IsDashboardPath(c, "/dlr/status/data.json"));
  BOOST_TEST(IsDashboardPath(c, "/dlr/status/rejected/1"));
  BOOST_TEST(!IsDashboardPath(c, "/dlr/statusx"));
  BOOST_TEST(!IsDashboardPath(c, "/dlr"));
  BOOST_TEST(!IsDashboardPath(c, "/receive/callback"));
  c.dashboard.reset();
  BOOST_TEST(!IsDashboardPath(c, "/dlr/status"));
}

BOOST_AUTO_TEST_CASE(APasswordIsRequiredWhenSet) {
  Config c = PageConfig("page-pass");
  const struct {
    std::string authorization;
    int want;
  } cases[] = {
      {"", 401},
      {kAnyoneBasic, 200},  // any user name
      {kOpsBasic, 200},
      {kWrongBasic, 401},
      {"Bearer page-pass", 200},
      {"bearer page-pass", 200},
      {"Bearer page-pas", 401},
      {"Bearer page-passs", 401},
      {"Bearer webhook-secret", 401},  // a webhook's secret opens nothing here
      {"Basic !!!", 401},
  };
  for (const auto& k : cases) {
    BOOST_TEST_CONTEXT("Authorization [" << k.authorization << "]") {
      Response r = Get(c, "/dlr/status", k.authorization, "127.0.0.1");
      BOOST_TEST(r.status == k.want);
      if (k.want == 401) {
        BOOST_TEST(r.Header("WWW-Authenticate") ==
                   "Basic realm=\"dlr-webhook status\", charset=\"UTF-8\"");
        BOOST_TEST(r.content_type == "text/plain; charset=utf-8");
        BOOST_TEST(r.body.find("page-pass") == std::string::npos);
        BOOST_TEST(r.body.find("Airtel") == std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(AConfiguredUserNameMustMatch) {
  Config c = PageConfig("page-pass", "ops");
  BOOST_TEST(Get(c, "/dlr/status", kOpsBasic).status == 200);
  BOOST_TEST(Get(c, "/dlr/status", kAnyoneBasic).status == 401);
  BOOST_TEST(Get(c, "/dlr/status", "Bearer page-pass").status == 200);
}

BOOST_AUTO_TEST_CASE(WithoutAPasswordLoopbackOnly) {
  Config c = PageConfig(std::nullopt);
  c.dashboard->loopback_without_password = true;
  BOOST_TEST(Get(c, "/dlr/status", "", "127.0.0.1").status == 200);
  BOOST_TEST(Get(c, "/dlr/status", "", "::1").status == 200);
  BOOST_TEST(Get(c, "/dlr/status", "", "::ffff:127.0.0.1").status == 200);
  for (const char* remote : {"203.0.113.5", "127.0.0.2", "10.0.0.1", "", "::2"}) {
    BOOST_TEST_CONTEXT("REMOTE_ADDR " << remote) {
      Response r = Get(c, "/dlr/status", "", remote);
      BOOST_TEST(r.status == 403);
      BOOST_TEST(r.Header("WWW-Authenticate").empty());
    }
  }
}

// Loopback (REMOTE_ADDR, which whoever reaches the socket sets) is trusted
// only when the config says so, and never for raw bodies.
BOOST_AUTO_TEST_CASE(LoopbackIsTrustedOnlyWhenConfiguredAndNeverForRawBodies) {
  Config c = PageConfig("page-pass");
  BOOST_TEST(Get(c, "/dlr/status", "", "127.0.0.1").status == 401);
  c.dashboard->loopback_without_password = true;
  BOOST_TEST(Get(c, "/dlr/status", "", "127.0.0.1").status == 200);
  BOOST_TEST(Get(c, "/dlr/status/data.json", "", "::1").status == 200);
  BOOST_TEST(Get(c, "/dlr/status/rejected/1", "", "127.0.0.1").status == 401);
  BOOST_TEST(Get(c, "/dlr/status", "", "10.0.0.1").status == 401);
  Config open = PageConfig(std::nullopt);
  open.dashboard->loopback_without_password = true;
  Response r = Get(open, "/dlr/status/rejected/1", "", "127.0.0.1");
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.body.find("dashboard.password") != std::string::npos, r.body);
}

BOOST_AUTO_TEST_CASE(TheHtmlPageCarriesRestrictiveHeaders) {
  Config c = PageConfig("page-pass");
  Response r = Get(c, "/dlr/status", "Bearer page-pass");
  BOOST_TEST_REQUIRE(r.status == 200);
  BOOST_TEST(r.content_type == "text/html; charset=utf-8");
  BOOST_TEST(r.Header("X-Content-Type-Options") == "nosniff");
  BOOST_TEST(r.Header("Cache-Control") == "no-store");
  std::string csp = r.Header("Content-Security-Policy");
  BOOST_TEST(csp.find("default-src 'none'") != std::string::npos);
  BOOST_TEST(csp.find("script-src") == std::string::npos);  // no script at all
  BOOST_TEST(r.body.find("id=\"total-events\">4</span>") != std::string::npos);
  BOOST_TEST(r.body.find("&lt;script&gt;") == std::string::npos);  // the raw body is not shown
  BOOST_TEST(r.body.find("<a href=\"/dlr/status/rejected/1\">raw</a>") != std::string::npos);
  // An error has the headers too.
  Response e = Get(c, "/dlr/status");
  BOOST_TEST(e.Header("X-Content-Type-Options") == "nosniff");
  BOOST_TEST(!e.Header("Content-Security-Policy").empty());
}

BOOST_AUTO_TEST_CASE(TheJsonHasTheWindowsFigures) {
  Config c = PageConfig("page-pass");
  for (const auto& [path, query] :
       {std::pair<std::string, std::string>{"/dlr/status/data.json", ""},
        {"/dlr/status", "format=json"}}) {
    BOOST_TEST_CONTEXT(path << "?" << query) {
      Response r = Get(c, path, "Bearer page-pass", "203.0.113.5", query);
      BOOST_TEST_REQUIRE(r.status == 200);
      BOOST_TEST(r.content_type == "application/json");
      rapidjson::Document j;
      j.Parse(r.body.c_str());
      BOOST_TEST_REQUIRE(!j.HasParseError());
      const auto& s = j["stats"];
      BOOST_TEST(s["events"].GetInt() == 4);  // the February one is outside the window
      BOOST_TEST(s["delivered"].GetInt() == 2);
      BOOST_TEST(s["failed"].GetInt() == 1);
      BOOST_TEST(s["pending"].GetInt() == 1);
      BOOST_TEST(s["by_hour"].Size() == 2u);
      BOOST_TEST(std::string(s["by_hour"][1]["hour"].GetString()) == "2026-03-02T10");
      BOOST_TEST(j["webhooks"].Size() == 2u);
      BOOST_TEST(std::string(j["webhooks"][0]["name"].GetString()) == "sms");
      BOOST_TEST(j["webhooks"][0]["stale"].GetBool() == false);
      BOOST_TEST(std::string(j["webhooks"][1]["last_received_at"].GetString()) ==
                 "2026-03-01T09:00:00.000Z");
      BOOST_TEST(j["webhooks"][1]["stale"].GetBool() == true);
      BOOST_TEST(j["rejected"].Size() == 1u);
    }
  }
}

// The page counts by the class stored with each DLR: a Twilio webhook's
// undelivered is failed and its sent pending, whatever our own status text
// rule would say of them.
BOOST_AUTO_TEST_CASE(ItCountsByEachDlrsStoredClass) {
  auto twilio = [](const std::string& id, const std::string& status, DlrClass c) {
    Dlr d = MakeDlr(id, status, "Twilio");
    d.dlr_class = c;
    return d;
  };
  Commit("2026-03-02T10:20:00.000Z", "twilio",
         {twilio("t1", "undelivered", DlrClass::kFailed), twilio("t2", "sent", DlrClass::kPending),
          twilio("t3", "sent", DlrClass::kPending), twilio("t4", "read", DlrClass::kDelivered)});
  Config c = PageConfig("page-pass");
  Response r = Get(c, "/dlr/status/data.json", "Bearer page-pass");
  BOOST_TEST_REQUIRE(r.status == 200);
  rapidjson::Document j;
  j.Parse(r.body.c_str());
  BOOST_TEST_REQUIRE(!j.HasParseError());
  const auto& s = j["stats"];
  BOOST_TEST(s["events"].GetInt() == 8);
  BOOST_TEST(s["delivered"].GetInt() == 3);  // DELIVRD, read
  BOOST_TEST(s["failed"].GetInt() == 2);     // UNDELIV, undelivered
  BOOST_TEST(s["pending"].GetInt() == 3);    // AWAITING-DLR, sent twice
  bool twilio_seen = false;
  for (const auto& w : s["by_webhook"].GetArray()) {
    if (std::string(w["webhook"].GetString()) != "twilio") continue;
    twilio_seen = true;
    BOOST_TEST(w["delivered"].GetInt() == 1);
    BOOST_TEST(w["failed"].GetInt() == 1);
    BOOST_TEST(w["pending"].GetInt() == 2);
  }
  BOOST_TEST(twilio_seen);
  Response page = Get(c, "/dlr/status", "Bearer page-pass");
  BOOST_TEST_REQUIRE(page.status == 200);
  for (const char* want : {"<span class=\"n\" id=\"total-failed\">2</span>",
                           "<span class=\"n\" id=\"total-pending\">3</span>",
                           "<tr><td class=\"t\">sent</td><td>pending</td>",
                           "<tr><td class=\"t\">undelivered</td><td>failed</td>"}) {
    BOOST_TEST(page.body.find(want) != std::string::npos, "missing: " << want);
  }
}

BOOST_AUTO_TEST_CASE(ARawBodyIsPlainTextAndRunsNothing) {
  Config c = PageConfig("page-pass");
  Response r = Get(c, "/dlr/status/rejected/1", "Bearer page-pass");
  BOOST_TEST_REQUIRE(r.status == 200);
  BOOST_TEST(r.body == "{\"id\": <script>alert(1)</script>");
  BOOST_TEST(r.content_type == "text/plain; charset=utf-8");
  BOOST_TEST(r.Header("X-Content-Type-Options") == "nosniff");
  BOOST_TEST(r.Header("Content-Security-Policy").find("sandbox") != std::string::npos);
  BOOST_TEST(Get(c, "/dlr/status/rejected/1").status == 401);
  BOOST_TEST(Get(c, "/dlr/status/rejected/99", "Bearer page-pass").status == 404);
  for (const char* bad :
       {"/dlr/status/rejected/", "/dlr/status/rejected/x", "/dlr/status/rejected/-1",
        "/dlr/status/rejected/1;2", "/dlr/status/nothing"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(Get(c, bad, "Bearer page-pass").status == 404); }
  }
}

BOOST_AUTO_TEST_CASE(OnlyGetAndHead) {
  Config c = PageConfig("page-pass");
  Request req;
  req.method = "POST";
  req.path = "/dlr/status";
  req.authorization = "Bearer page-pass";
  Response r = HandleDashboard(req, c, reader, kNow);
  BOOST_TEST(r.status == 405);
  BOOST_TEST(r.Header("Allow") == "GET, HEAD");
  req.method = "HEAD";
  BOOST_TEST(HandleDashboard(req, c, reader, kNow).status == 200);
}

BOOST_AUTO_TEST_CASE(AnUnreadableDatabaseIs503) {
  Config c = PageConfig("page-pass");
  SqliteStore missing(dir.File("no/such/dir/dlr.sqlite"), StoreOptions());
  Request req;
  req.method = "GET";
  req.path = "/dlr/status";
  req.authorization = "Bearer page-pass";
  StoreReader missing_reader(missing);
  Response r = HandleDashboard(req, c, missing_reader, kNow);
  BOOST_TEST(r.status == 503);
  BOOST_TEST(!r.Header("Retry-After").empty());
}

BOOST_AUTO_TEST_CASE(AWebhookQuietBeforeTheWindowShowsWhenItsLastDlrCame) {
  Config c = PageConfig("page-pass");
  Webhook quiet, silent;
  quiet.name = "quiet";
  quiet.path = "/quiet";
  silent.name = "silent";
  silent.path = "/silent";
  c.webhooks.push_back(quiet);
  c.webhooks.push_back(silent);
  Commit("2026-02-25T10:00:00.000Z", "quiet", {MakeDlr("q", "DELIVRD", "Jio")});
  Response r = Get(c, "/dlr/status", "Bearer page-pass");
  BOOST_TEST_REQUIRE(r.status == 200);
  for (const char* want : {
           "<tr class=\"stale\" data-webhook=\"quiet\">",
           "<td class=\"last\">2026-02-25 10:00:00 UTC, 5 days ago</td>",
           "<tr class=\"stale\" data-webhook=\"silent\">",
           "<td class=\"last\">never</td>",
       }) {
    BOOST_TEST(r.body.find(want) != std::string::npos, want);
  }
  Response j = Get(c, "/dlr/status/data.json", "Bearer page-pass");
  BOOST_TEST_REQUIRE(j.status == 200);
  rapidjson::Document d;
  d.Parse(j.body.c_str());
  BOOST_TEST_REQUIRE(!d.HasParseError());
  BOOST_TEST_REQUIRE(d["webhooks"].Size() == 4u);
  BOOST_TEST(std::string(d["webhooks"][2]["name"].GetString()) == "quiet");
  BOOST_TEST(std::string(d["webhooks"][2]["last_received_at"].GetString()) ==
             "2026-02-25T10:00:00.000Z");
  BOOST_TEST(d["webhooks"][2]["events"].GetInt() == 0);
  BOOST_TEST(d["webhooks"][2]["stale"].GetBool());
  BOOST_TEST(d["webhooks"][3]["last_received_at"].IsNull());
  BOOST_TEST(d["webhooks"][3]["stale"].GetBool());
  BOOST_TEST(d["stats"]["events"].GetInt() == 4);  // the window's figures are unchanged
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
