// StoreReader (store_read.cc) against a real SQLite file:
// migrations, Ping, the event scan and its filters, the stats, the refused
// requests, purge. The same operations run against PostgreSQL and MariaDB in
// tests/store/store_conformance_test.cc.
#define BOOST_TEST_DYN_LINK
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/store/event_sql.h"
#include "common/store/reader.h"
#include "common/store/sqlite/sqlite_store.h"
#include "common/store/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

using test::TempDir;

void MustExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  BOOST_TEST_REQUIRE(rc == SQLITE_OK, msg);
}

Dlr MakeDlr(const std::string& id, const std::string& status, const std::string& provider = "",
            const std::string& location = "") {
  Dlr d;
  d.Set(Field::kId, id);
  d.Set(Field::kStatus, status);
  if (!provider.empty()) d.Set(Field::kProvider, provider);
  if (!location.empty()) d.Set(Field::kLocation, location);
  d.raw = "{\"id\":\"" + id + "\"}";
  return d;
}

Batch MakeBatch(const std::string& received_at, std::vector<Dlr> dlrs,
                const std::string& webhook = "sms", const std::string& query = "") {
  Batch b;
  b.webhook = webhook;
  b.received_at = received_at;
  b.query = query;
  b.dlrs = std::move(dlrs);
  return b;
}

// Six events over two days and two webhooks.
struct Fixture {
  Fixture() : path(dir.File("dlr.sqlite")), store(path, StoreOptions()) {
    Must(MakeBatch("2026-03-01T10:00:00.000Z",
                   {MakeDlr("a", "AWAITING-DLR", "Airtel", "Delhi"),
                    MakeDlr("b", "DELIVRD", "Airtel", "Delhi")},
                   "sms", "campaign=7"));
    Must(MakeBatch("2026-03-01T23:59:59.999Z", {MakeDlr("a", "DELIVRD", "Airtel", "Delhi")}));
    Must(MakeBatch("2026-03-02T00:00:00.000Z", {MakeDlr("c", "UNDELIV", "Jio")}));
    Must(MakeBatch("2026-03-02T08:00:00.000Z", {MakeDlr("d", "delivrd", "Jio", "Mumbai")}));
    Must(MakeBatch("2026-03-02T09:00:00.000Z", {MakeDlr("e", "EXPIRED")}, "other"));
  }
  void Must(const Batch& b) {
    StatusOr<BatchResult> r = store.StoreBatch(b);
    BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  }
  // "id/status" of each event `filter` selects, in order.
  std::vector<std::string> Ids(const EventFilter& filter) {
    std::vector<std::string> out;
    Status s = reader.ScanEvents(filter, [&](const EventRow& e) {
      out.push_back(*e.dlr.Get(Field::kId) + "/" + *e.dlr.Get(Field::kStatus));
      return Status::Ok();
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    return out;
  }

  TempDir dir{"store_read_test"};
  std::string path;
  SqliteStore store;
  StoreReader reader{store};
};

using V = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(StoreReadSchemaTest)

BOOST_AUTO_TEST_CASE(MigratesAVersion1Database) {
  TempDir dir{"store_read_test"};
  const std::string path = dir.File("old.sqlite");
  // The schema as version 1 left it, with a refused request in it.
  MustExec(path, R"sql(
    CREATE TABLE dlr_events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, mobile TEXT,
      status TEXT NOT NULL, credits TEXT, units TEXT, deliv_time TEXT, sent_time TEXT,
      submit_time TEXT, deliv_at TEXT, sent_at TEXT, submit_at TEXT, cid TEXT, custom TEXT,
      custom1 TEXT, custom2 TEXT, location TEXT, region TEXT, provider TEXT, location_code TEXT,
      region_code TEXT, provider_code TEXT, webhook TEXT NOT NULL, raw TEXT NOT NULL,
      received_at TEXT NOT NULL, query TEXT);
    CREATE UNIQUE INDEX dlr_events_event ON dlr_events(id, status, COALESCE(deliv_time, ''));
    CREATE TABLE dlr_messages (id TEXT PRIMARY KEY NOT NULL, webhook TEXT NOT NULL,
      status TEXT NOT NULL, final INTEGER NOT NULL, delivered INTEGER NOT NULL, deliv_time TEXT,
      sent_time TEXT, submit_time TEXT, deliv_at TEXT, sent_at TEXT, submit_at TEXT,
      updated_at TEXT NOT NULL);
    CREATE TABLE dlr_rejected (seq INTEGER PRIMARY KEY, received_at TEXT NOT NULL, webhook TEXT,
      remote_addr TEXT, http_status INTEGER NOT NULL, error TEXT NOT NULL, reason TEXT NOT NULL,
      content_type TEXT, raw BLOB);
    INSERT INTO dlr_rejected VALUES (1, '2025-01-01T00:00:00.000Z', 'sms', '1.2.3.4', 400,
      'bad_request', 'not JSON', 'application/json', X'7B');
    PRAGMA user_version = 1;
  )sql");
  SqliteStore store(path, StoreOptions());
  StatusOr<int> before = store.Ping();
  BOOST_TEST_REQUIRE(before.ok());
  BOOST_TEST(before.value() == 1);
  StatusOr<SchemaReport> r = store.Migrate();
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().before == 1);
  BOOST_TEST(r.value().after == kSchemaVersion);
  r = store.Migrate();  // idempotent
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.value().before == kSchemaVersion);
  SqliteStore other(path, StoreOptions());  // another process finds it done
  r = other.Migrate();
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.value().before == kSchemaVersion);
  StoreReader reader(store);
  StatusOr<RejectedRow> old = reader.GetRejected(1);
  BOOST_TEST_REQUIRE(old.ok(), old.status().ToString());
  BOOST_TEST(old.value().rejected.raw == "{");
  BOOST_TEST(old.value().rejected.method.empty());
  BOOST_TEST(!old.value().rejected.query);
  BOOST_TEST(reader.MarkReplayed(1, "2026-01-01T00:00:00.000Z", 200).ok());
}

BOOST_AUTO_TEST_CASE(MigratesAVersion2Database) {
  TempDir dir{"store_read_test"};
  const std::string path = dir.File("v2.sqlite");
  {
    SqliteStore store(path, StoreOptions());
    BOOST_TEST_REQUIRE(store.EnsureSchema().ok());
    Batch b = MakeBatch("2025-11-22T10:00:00.000Z", {MakeDlr("q", "DELIVRD")}, "quiet");
    BOOST_TEST_REQUIRE(store.StoreBatch(b).ok());
  }
  // The schema as version 2 left it: no index on (webhook, received_at), no
  // error_code or dlr_class.
  MustExec(path,
           "DROP INDEX dlr_events_webhook_received_at; ALTER TABLE dlr_events DROP COLUMN "
           "error_code; ALTER TABLE dlr_events DROP COLUMN dlr_class; PRAGMA user_version = 2;");
  SqliteStore store(path, StoreOptions());
  StatusOr<SchemaReport> r = store.Migrate();
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().before == 2);
  BOOST_TEST(r.value().after == kSchemaVersion);
  r = store.Migrate();  // idempotent
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r.value().before == kSchemaVersion);
  StatusOr<std::vector<Row>> index = store.Query(
      "SELECT sql FROM sqlite_master WHERE name = 'dlr_events_webhook_received_at'", {});
  BOOST_TEST_REQUIRE(index.ok());
  BOOST_TEST_REQUIRE(index.value().size() == 1u);
  BOOST_TEST(index.value()[0][0].value_or("").find("(webhook, received_at)") != std::string::npos);
  StatusOr<std::vector<std::string>> last = StoreReader(store).LastReceivedAt({"quiet", "sms"});
  BOOST_TEST_REQUIRE(last.ok(), last.status().ToString());
  BOOST_TEST(last.value() == (V{"2025-11-22T10:00:00.000Z", ""}), boost::test_tools::per_element());
}

// Schema 4: error_code and dlr_class; the rows stored before take the class
// of their status text (StatusTextClass), spaces and case as it reads them.
BOOST_AUTO_TEST_CASE(MigratesAVersion3DatabaseTo4ClassingItsRows) {
  TempDir dir{"store_read_test"};
  const std::string path = dir.File("v3.sqlite");
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"DELIVRD", "delivered"},        {"delivrd", "delivered"},
      {" Delivrd\t\r\n", "delivered"}, {"AWAITING-DLR", "pending"},
      {"\nawaiting-dlr ", "pending"},  {"UNDELIV", "failed"},
      {"DELI VRD", "failed"},          {"sent", "failed"},
      {"delivered", "failed"},
  };
  {
    SqliteStore store(path, StoreOptions());
    BOOST_TEST_REQUIRE(store.EnsureSchema().ok());
  }
  // The schema as version 3 left it, with rows in it.
  std::string sql =
      "ALTER TABLE dlr_events DROP COLUMN error_code; ALTER TABLE dlr_events DROP COLUMN "
      "dlr_class; PRAGMA user_version = 3;";
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string status;
    for (char c : rows[i].first) status += c == '\'' ? "''" : std::string(1, c);
    sql += "INSERT INTO dlr_events (id, status, webhook, raw, received_at) VALUES ('m" +
           std::to_string(i) + "', '" + status + "', 'old', '{}', '2025-01-01T00:00:00.000Z');";
  }
  MustExec(path, sql);
  SqliteStore store(path, StoreOptions());
  StatusOr<SchemaReport> r = store.Migrate();
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().before == 3);
  BOOST_TEST(r.value().after == 4);
  for (size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST_CONTEXT("status [" << rows[i].first << "]") {
      StatusOr<std::vector<Row>> got = store.Query(
          "SELECT dlr_class, error_code FROM dlr_events WHERE id = ?", {"m" + std::to_string(i)});
      BOOST_TEST_REQUIRE(got.ok());
      BOOST_TEST_REQUIRE(got.value().size() == 1u);
      BOOST_TEST(got.value()[0][0].value_or("NULL") == rows[i].second);
      BOOST_TEST(!got.value()[0][1].has_value());
      // The same rule as the responder's.
      BOOST_TEST(DlrClassName(StatusTextClass(rows[i].first)) == rows[i].second);
    }
  }
  StatusOr<EventStats> stats = StoreReader(store).Stats(EventFilter());
  BOOST_TEST_REQUIRE(stats.ok(), stats.status().ToString());
  BOOST_TEST(stats.value().total.delivered == 3);
  BOOST_TEST(stats.value().total.pending == 2);
  BOOST_TEST(stats.value().total.failed == 4);
  // And the new columns take writes.
  Dlr d = MakeDlr("new", "undelivered");
  d.Set(Field::kErrorCode, "30003");
  d.dlr_class = DlrClass::kFailed;
  BOOST_TEST_REQUIRE(store.StoreBatch(MakeBatch("2026-01-01T00:00:00.000Z", {d})).ok());
  StatusOr<std::vector<Row>> got =
      store.Query("SELECT dlr_class, error_code FROM dlr_events WHERE id = 'new'", {});
  BOOST_TEST_REQUIRE(got.ok());
  BOOST_TEST_REQUIRE(got.value().size() == 1u);
  BOOST_TEST(got.value()[0][0].value_or("NULL") == "failed");
  BOOST_TEST(got.value()[0][1].value_or("NULL") == "30003");
}

BOOST_AUTO_TEST_CASE(TheLastDlrLookupIsAnsweredFromTheIndex) {
  TempDir dir{"store_read_test"};
  SqliteStore store(dir.File("plan.sqlite"), StoreOptions());
  BOOST_TEST_REQUIRE(store.EnsureSchema().ok());
  SqlStatement st = SelectLastReceived(SqlDialect::kSqlite, "sms");
  StatusOr<std::vector<Row>> plan = store.Query("EXPLAIN QUERY PLAN " + st.sql, st.params);
  BOOST_TEST_REQUIRE(plan.ok(), plan.status().ToString());
  std::string text;
  for (const Row& row : plan.value()) text += row.back().value_or("") + "\n";
  BOOST_TEST(text.find("dlr_events_webhook_received_at") != std::string::npos, text);
  BOOST_TEST(text.find("SCAN") == std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(ANewDatabaseIsCreatedAtTheLatestVersion) {
  TempDir dir{"store_read_test"};
  SqliteStore store(dir.File("new.sqlite"), StoreOptions());
  StatusOr<SchemaReport> r = store.Migrate();
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().before == 0);
  BOOST_TEST(r.value().after == kSchemaVersion);
}

BOOST_AUTO_TEST_CASE(PingCreatesNothing) {
  TempDir dir{"store_read_test"};
  const std::string path = dir.File("none.sqlite");
  SqliteStore store(path, StoreOptions());
  StatusOr<int> v = store.Ping();
  BOOST_TEST(v.status().code() == StatusCode::kNotFound);
  BOOST_TEST(!std::filesystem::exists(path));
  BOOST_TEST_REQUIRE(store.EnsureSchema().ok());
  v = store.Ping();
  BOOST_TEST_REQUIRE(v.ok());
  BOOST_TEST(v.value() == kSchemaVersion);
  std::ofstream(dir.File("text")) << "this is not a database, not at all; far from it.\n";
  SqliteStore text(dir.File("text"), StoreOptions());
  BOOST_TEST(text.Ping().status().code() == StatusCode::kUnavailable);
}

BOOST_AUTO_TEST_CASE(ANewerSchemaIsRefusedAndLeftAlone) {
  TempDir dir{"store_read_test"};
  const std::string path = dir.File("newer.sqlite");
  MustExec(path, "CREATE TABLE t (x); PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  SqliteStore store(path, StoreOptions());
  BOOST_TEST(store.Ping().value() == kSchemaVersion + 1);
  StatusOr<SchemaReport> r = store.Migrate();
  BOOST_TEST(r.status().code() == StatusCode::kInternal);
  BOOST_TEST(r.status().message().find("newer than this program knows") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(TheDatabasesFailuresComeBack) {
  // A database that cannot be reached, and one answering other columns.
  class Broken : public Database {
   public:
    explicit Broken(bool reachable) : reachable_(reachable) {}
    StatusOr<int> Ping() override { return Down(); }
    StatusOr<SchemaReport> Migrate() override { return Down(); }
    Status QueryEach(const std::string&, const std::vector<std::string>&,
                     const RowCallback& each) override {
      if (!reachable_) return Down();
      return each(Row{std::string("1")});
    }
    StatusOr<int64_t> Execute(const std::string&, const std::vector<std::string>&) override {
      return Down();
    }
    SqlDialect dialect() const override { return SqlDialect::kSqlite; }

   private:
    static Status Down() { return Status::Unavailable("the database does not answer"); }
    const bool reachable_;
  };
  Broken down(false);
  StoreReader r(down);
  BOOST_TEST((r.Ping().status().code() == StatusCode::kUnavailable));
  BOOST_TEST((r.Stats(EventFilter()).status().code() == StatusCode::kUnavailable));
  BOOST_TEST(
      (r.MarkReplayed(1, "2026-01-01T00:00:00.000Z", 200).code() == StatusCode::kUnavailable));
  BOOST_TEST((r.PurgeBefore("2026-01-01T00:00:00.000Z", 10, false, nullptr).status().code() ==
              StatusCode::kUnavailable));
  BOOST_TEST((down.Query("SELECT 1", {}).status().code() == StatusCode::kUnavailable));
  Broken odd(true);
  StoreReader o(odd);
  Status s = o.ScanEvents(EventFilter(), [](const EventRow&) { return Status::Ok(); });
  BOOST_TEST((s.code() == StatusCode::kInternal));
  BOOST_TEST((o.GetRejected(1).status().code() == StatusCode::kInternal));
  StatusOr<std::vector<Row>> rows = odd.Query("SELECT 1", {});
  BOOST_TEST_REQUIRE(rows.ok());
  BOOST_TEST(rows.value().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(StoreReadEventsTest, Fixture)

BOOST_AUTO_TEST_CASE(ScansEveryEventInOrder) {
  BOOST_TEST(Ids(EventFilter()) == V({"a/AWAITING-DLR", "b/DELIVRD", "a/DELIVRD", "c/UNDELIV",
                                      "d/delivrd", "e/EXPIRED"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(EventRowsCarryEveryColumn) {
  std::vector<EventRow> rows;
  Status s = reader.ScanEvents(EventFilter(), [&](const EventRow& e) {
    rows.push_back(e);
    return Status::Ok();
  });
  BOOST_TEST_REQUIRE(s.ok());
  BOOST_TEST_REQUIRE(rows.size() == 6u);
  BOOST_TEST(rows[0].seq < rows[1].seq);
  BOOST_TEST(rows[0].webhook == "sms");
  BOOST_TEST(rows[0].received_at == "2026-03-01T10:00:00.000Z");
  BOOST_TEST(rows[0].dlr.raw == "{\"id\":\"a\"}");
  BOOST_TEST(*rows[0].dlr.Get(Field::kProvider) == "Airtel");
  BOOST_TEST(!rows[0].dlr.Get(Field::kMobile));
  BOOST_TEST((rows[0].query == std::optional<std::string>("campaign=7")));
  BOOST_TEST(!rows[2].query);
  // The class stored with each: AWAITING-DLR, DELIVRD, DELIVRD, UNDELIV, delivrd, EXPIRED.
  std::string classes;
  for (const EventRow& e : rows) {
    classes += std::string(e.dlr.dlr_class ? DlrClassName(*e.dlr.dlr_class) : "NULL") + " ";
  }
  BOOST_TEST(classes == "pending delivered delivered failed delivered failed ");
  BOOST_TEST(!rows[0].dlr.Get(Field::kErrorCode));
}

BOOST_AUTO_TEST_CASE(FiltersSelectTheirEvents) {
  EventFilter f;
  f.since = "2026-03-02T00:00:00.000Z";  // included
  BOOST_TEST(Ids(f) == V({"c/UNDELIV", "d/delivrd", "e/EXPIRED"}),
             boost::test_tools::per_element());
  f = EventFilter();
  f.until = "2026-03-02T00:00:00.000Z";  // excluded
  BOOST_TEST(Ids(f) == V({"a/AWAITING-DLR", "b/DELIVRD", "a/DELIVRD"}),
             boost::test_tools::per_element());
  f = EventFilter();
  f.statuses = {"DELIVRD"};  // any case
  BOOST_TEST(Ids(f) == V({"b/DELIVRD", "a/DELIVRD", "d/delivrd"}),
             boost::test_tools::per_element());
  f.statuses = {"expired", "awaiting-dlr"};
  BOOST_TEST(Ids(f) == V({"a/AWAITING-DLR", "e/EXPIRED"}), boost::test_tools::per_element());
  f = EventFilter();
  f.webhook = "other";
  BOOST_TEST(Ids(f) == V({"e/EXPIRED"}), boost::test_tools::per_element());
  f = EventFilter();
  f.id = "a";
  BOOST_TEST(Ids(f) == V({"a/AWAITING-DLR", "a/DELIVRD"}), boost::test_tools::per_element());
  f.id = "A";  // ids compare exactly
  BOOST_TEST(Ids(f).empty());
}

BOOST_AUTO_TEST_CASE(ACallbackStopsTheScan) {
  int seen = 0;
  Status s = reader.ScanEvents(EventFilter(), [&](const EventRow&) {
    return ++seen == 2 ? Status::Unavailable("disk full") : Status::Ok();
  });
  BOOST_TEST(seen == 2);
  BOOST_TEST(s.message() == "disk full");
  BOOST_TEST(Ids(EventFilter()).size() == 6u);  // the store is usable afterwards
}

BOOST_AUTO_TEST_CASE(StatsCountByStatusProviderLocationAndDay) {
  StatusOr<EventStats> got = reader.Stats(EventFilter());
  BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
  const EventStats& s = got.value();
  BOOST_TEST(s.total.events == 6);
  BOOST_TEST(s.total.delivered == 3);  // DELIVRD twice, delivrd once
  BOOST_TEST(s.total.failed == 2);
  BOOST_TEST(s.total.pending == 1);
  BOOST_TEST(s.first_received_at == "2026-03-01T10:00:00.000Z");
  BOOST_TEST(s.last_received_at == "2026-03-02T09:00:00.000Z");
  BOOST_TEST_REQUIRE(s.by_status.size() == 5u);
  BOOST_TEST(*s.by_status[0].key == "DELIVRD");
  BOOST_TEST(s.by_status[0].counts.events == 2);
  BOOST_TEST_REQUIRE(s.by_provider.size() == 3u);
  BOOST_TEST(*s.by_provider[0].key == "Airtel");
  BOOST_TEST(s.by_provider[0].counts.events == 3);
  BOOST_TEST(s.by_provider[0].counts.delivered == 2);
  BOOST_TEST(s.by_provider[0].counts.pending == 1);
  BOOST_TEST(*s.by_provider[1].key == "Jio");
  BOOST_TEST(s.by_provider[1].counts.delivered == 1);
  BOOST_TEST(s.by_provider[1].counts.failed == 1);
  BOOST_TEST(!s.by_provider[2].key);  // no provider: last
  BOOST_TEST_REQUIRE(s.by_location.size() == 3u);
  BOOST_TEST(*s.by_location[0].key == "Delhi");
  BOOST_TEST_REQUIRE(s.by_day.size() == 2u);
  BOOST_TEST(*s.by_day[0].key == "2026-03-01");
  BOOST_TEST(s.by_day[0].counts.events == 3);
  BOOST_TEST(*s.by_day[1].key == "2026-03-02");
  BOOST_TEST(s.by_day[1].counts.events == 3);
  EventFilter f;
  f.webhook = "nobody";
  got = reader.Stats(f);
  BOOST_TEST_REQUIRE(got.ok());
  BOOST_TEST(got.value().total.events == 0);
  BOOST_TEST(got.value().first_received_at.empty());
  BOOST_TEST(got.value().by_day.empty());
}

BOOST_AUTO_TEST_CASE(StatsCountByHourAndWebhook) {
  StatusOr<EventStats> got = reader.Stats(EventFilter());
  BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
  const EventStats& s = got.value();
  // By time, hours without events absent.
  std::vector<std::string> hours;
  int64_t events = 0;
  for (const StatsGroup& g : s.by_hour) {
    hours.push_back(*g.key);
    events += g.counts.events;
    BOOST_TEST(g.last_received_at.empty());
  }
  BOOST_TEST(events == 6);
  BOOST_TEST(std::is_sorted(hours.begin(), hours.end()));
  BOOST_TEST(hours.front() == "2026-03-01T10");
  BOOST_TEST(hours.back() == "2026-03-02T09");
  BOOST_TEST_REQUIRE(!s.by_webhook.empty());
  int64_t by_webhook = 0;
  std::string latest;
  for (const StatsGroup& g : s.by_webhook) {
    by_webhook += g.counts.events;
    BOOST_TEST(g.last_received_at.size() == 24u);
    latest = std::max(latest, g.last_received_at);
  }
  BOOST_TEST(by_webhook == 6);
  BOOST_TEST(latest == s.last_received_at);
}

// A provider's classes count, not the status text: Twilio's undelivered
// is failed and sent pending; a row stored without a class (by a script,
// around the responder) counts by its status text.
BOOST_AUTO_TEST_CASE(StatsCountByTheStoredClass) {
  TempDir classed_dir{"store_read_test"};
  SqliteStore classed(classed_dir.File("classes.sqlite"), StoreOptions());
  auto twilio = [](const std::string& id, const std::string& status, DlrClass c) {
    Dlr d = MakeDlr(id, status, "Twilio");
    d.dlr_class = c;
    return d;
  };
  Batch b = MakeBatch(
      "2026-03-01T10:00:00.000Z",
      {twilio("t1", "undelivered", DlrClass::kFailed), twilio("t2", "sent", DlrClass::kPending),
       twilio("t3", "sent", DlrClass::kPending), twilio("t3", "delivered", DlrClass::kDelivered),
       twilio("t4", "DELIVRD", DlrClass::kPending)},  // the class, not the text
      "twilio");
  BOOST_TEST_REQUIRE(classed.StoreBatch(b).ok());
  BOOST_TEST_REQUIRE(classed
                         .StoreBatch(MakeBatch("2026-03-01T11:00:00.000Z",
                                               {MakeDlr("m1", "DELIVRD"), MakeDlr("m2", "sent")}))
                         .ok());
  BOOST_TEST_REQUIRE(classed
                         .Execute("INSERT INTO dlr_events (id, status, webhook, raw, received_at)"
                                  " VALUES ('s1', 'AWAITING-DLR', 'script', '{}', ?)",
                                  {"2026-03-01T12:00:00.000Z"})
                         .ok());
  StatusOr<EventStats> got = StoreReader(classed).Stats(EventFilter());
  BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
  const EventStats& s = got.value();
  BOOST_TEST(s.total.events == 8);
  BOOST_TEST(s.total.delivered == 2);  // t3 delivered, m1 DELIVRD
  BOOST_TEST(s.total.failed == 2);     // t1 undelivered, m2 "sent" (our own rule)
  BOOST_TEST(s.total.pending == 4);    // t2, t3 sent, t4, s1 AWAITING-DLR
  std::map<std::string, StatusCounts> by_webhook;
  for (const StatsGroup& g : s.by_webhook) by_webhook[g.key.value_or("NULL")] = g.counts;
  BOOST_TEST(by_webhook["twilio"].failed == 1);
  BOOST_TEST(by_webhook["twilio"].pending == 3);
  BOOST_TEST(by_webhook["twilio"].delivered == 1);
  BOOST_TEST(by_webhook["script"].pending == 1);
  // One status, two classes (Twilio's "sent" pending, ours failed): one group.
  for (const StatsGroup& g : s.by_status) {
    if (g.key.value_or("") != "sent") continue;
    BOOST_TEST(g.counts.events == 3);
    BOOST_TEST(g.counts.pending == 2);
    BOOST_TEST(g.counts.failed == 1);
  }
}

BOOST_AUTO_TEST_CASE(RefusedRequestsListShowAndReplay) {
  for (int i = 1; i <= 3; ++i) {
    Rejected r;
    r.received_at = "2026-03-0" + std::to_string(i) + "T00:00:00.000Z";
    r.webhook = i == 3 ? "other" : "sms";
    r.remote_addr = "203.0.113." + std::to_string(i);
    r.http_status = 400;
    r.error = "bad_request";
    r.reason = "not JSON";
    r.content_type = "application/json";
    r.raw = std::string("{\0\xff", 3);
    r.method = "POST";
    r.query = i == 1 ? std::optional<std::string>("a=1") : std::nullopt;
    BOOST_TEST_REQUIRE(store.RecordRejected(r).ok());
  }
  std::vector<int64_t> seqs;
  RejectedFilter f;
  auto collect = [&](const RejectedRow& r) {
    seqs.push_back(r.seq);
    return Status::Ok();
  };
  BOOST_TEST_REQUIRE(reader.ScanRejected(f, collect).ok());
  BOOST_TEST(seqs == std::vector<int64_t>({3, 2, 1}), boost::test_tools::per_element());
  seqs.clear();
  f.limit = 1;
  f.webhook = "sms";
  BOOST_TEST_REQUIRE(reader.ScanRejected(f, collect).ok());
  BOOST_TEST(seqs == std::vector<int64_t>({2}), boost::test_tools::per_element());
  seqs.clear();
  f = RejectedFilter();
  f.until = "2026-03-02T00:00:00.000Z";
  BOOST_TEST_REQUIRE(reader.ScanRejected(f, collect).ok());
  BOOST_TEST(seqs == std::vector<int64_t>({1}), boost::test_tools::per_element());

  StatusOr<RejectedRow> one = reader.GetRejected(1);
  BOOST_TEST_REQUIRE(one.ok(), one.status().ToString());
  BOOST_TEST(one.value().rejected.raw == std::string("{\0\xff", 3));  // bytes as they came
  BOOST_TEST(one.value().rejected.received_at == "2026-03-01T00:00:00.000Z");
  BOOST_TEST(one.value().rejected.remote_addr == "203.0.113.1");
  BOOST_TEST(one.value().rejected.http_status == 400);
  BOOST_TEST(one.value().rejected.method == "POST");
  BOOST_TEST((one.value().rejected.query == std::optional<std::string>("a=1")));
  BOOST_TEST(!one.value().replayed_at);
  BOOST_TEST(!reader.GetRejected(2).value().rejected.query);
  BOOST_TEST((reader.GetRejected(99).status().code() == StatusCode::kNotFound));

  BOOST_TEST_REQUIRE(reader.MarkReplayed(1, "2026-03-05T00:00:00.000Z", 200).ok());
  one = reader.GetRejected(1);
  BOOST_TEST((one.value().replayed_at == std::optional<std::string>("2026-03-05T00:00:00.000Z")));
  BOOST_TEST(one.value().replay_status == 200);
  BOOST_TEST(
      (reader.MarkReplayed(99, "2026-03-05T00:00:00.000Z", 200).code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(PurgeDeletesOldRowsInBatches) {
  Rejected r;
  r.received_at = "2026-03-01T00:00:00.000Z";
  r.http_status = 422;
  r.error = "invalid_dlr";
  r.reason = "no status";
  BOOST_TEST_REQUIRE(store.RecordRejected(r).ok());
  const std::string before = "2026-03-02T00:00:00.000Z";
  StatusOr<PurgeCounts> dry = reader.PurgeBefore(before, 2, true, nullptr);
  BOOST_TEST_REQUIRE(dry.ok(), dry.status().ToString());
  BOOST_TEST(dry.value().events == 3);
  BOOST_TEST(dry.value().messages == 2);  // a and b, last updated on March 1st
  BOOST_TEST(dry.value().rejected == 1);
  BOOST_TEST(Ids(EventFilter()).size() == 6u);  // a dry run deletes nothing

  int batches = 0;
  StatusOr<PurgeCounts> done =
      reader.PurgeBefore(before, 2, false, [&](const PurgeCounts&) { ++batches; });
  BOOST_TEST_REQUIRE(done.ok(), done.status().ToString());
  BOOST_TEST(done.value().events == 3);
  BOOST_TEST(done.value().messages == 2);
  BOOST_TEST(done.value().rejected == 1);
  BOOST_TEST(batches == 2 + 1 + 2);  // 2+1 events; 1 refused; 2 messages and an empty batch
  BOOST_TEST(Ids(EventFilter()) == V({"c/UNDELIV", "d/delivrd", "e/EXPIRED"}),
             boost::test_tools::per_element());
  done = reader.PurgeBefore(before, 2, false, nullptr);
  BOOST_TEST_REQUIRE(done.ok());
  BOOST_TEST(done.value().events == 0);  // nothing left to do
  BOOST_TEST((reader.PurgeBefore(before, 0, false, nullptr).status().code() ==
              StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
