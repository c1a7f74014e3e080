// The storage contract, run unchanged against every backend: the database
// setting comes from the environment variable DLR_TEST_DATABASE (a SQLite
// path, postgresql://... or mysql://...), and every case FAILS when it is
// unset. tests/integration/servers_test.sh starts PostgreSQL and MariaDB and
// runs this binary once per backend, each time on an empty database.
//
// Cases talk to the backend only through the Store interface (OpenStore,
// Commit, RecordRejected, and Query with SQL every backend accepts) and a
// StoreReader over it.
#define BOOST_TEST_MODULE store_conformance
#include <unistd.h>

#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/store/event_sql.h"
#include "common/store/factory/open_store.h"
#include "common/store/reader.h"
#include "common/store/store.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

std::string Database() {
  const char* v = std::getenv("DLR_TEST_DATABASE");
  return v ? v : "";
}

// Ids unique to this run, so that a database used before does not matter.
const std::string& RunPrefix() {
  static const std::string prefix =
      "r" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000) +
      "-" + std::to_string(getpid()) + "-";
  return prefix;
}

// "sqlite", "postgresql", "mysql": for the lines the suite prints.
std::string Backend() {
  std::string db = Database();
  size_t scheme = db.find("://");
  return scheme == std::string::npos ? "sqlite" : db.substr(0, scheme);
}

std::unique_ptr<Store> OpenTestStore() {
  std::string db = Database();
  BOOST_REQUIRE_MESSAGE(!db.empty(),
                        "DLR_TEST_DATABASE is not set: name the database to test (a SQLite path, "
                        "postgresql://... or mysql://...); tests/integration/servers_test.sh does");
  StoreOptions options;
  options.busy_timeout_ms = 5000;
  StatusOr<std::unique_ptr<Store>> store = OpenStore(db, options);
  BOOST_REQUIRE_MESSAGE(store.ok(), "OpenStore: " + store.status().ToString());
  return std::move(store).value();
}

Dlr MakeDlr(const std::string& id, const std::string& status,
            std::optional<std::string> deliv_time = std::nullopt) {
  Dlr d;
  d.Set(Field::kId, id);
  d.Set(Field::kStatus, status);
  if (deliv_time) d.Set(Field::kDelivTime, *deliv_time);
  d.raw = "{\"id\": \"" + id + "\", \"status\": \"" + status + "\"}";
  return d;
}

Batch MakeBatch(std::vector<Dlr> dlrs, const std::string& webhook = "sms") {
  Batch b;
  b.webhook = webhook;
  b.received_at = "2024-01-02T03:04:05.678Z";
  b.dlrs = std::move(dlrs);
  return b;
}

struct Fixture {
  Fixture() : store(OpenTestStore()) {}

  std::string Id(const std::string& name) const { return RunPrefix() + name; }

  BatchResult Store1(Store& s, const Batch& batch) {
    StatusOr<BatchResult> r = s.StoreBatch(batch);
    BOOST_REQUIRE_MESSAGE(r.ok(), "StoreBatch: " + r.status().ToString());
    return r.value();
  }
  BatchResult Store1(const Batch& batch) { return Store1(*store, batch); }

  std::vector<Row> Rows(const std::string& sql, const std::vector<std::string>& params) {
    StatusOr<std::vector<Row>> rows = store->Query(sql, params);
    BOOST_REQUIRE_MESSAGE(rows.ok(), "Query(" + sql + "): " + rows.status().ToString());
    return rows.value();
  }
  // The single value `sql` returns ("NULL" for NULL).
  std::string Value(const std::string& sql, const std::vector<std::string>& params) {
    std::vector<Row> rows = Rows(sql, params);
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_REQUIRE_EQUAL(rows[0].size(), 1u);
    return rows[0][0] ? *rows[0][0] : "NULL";
  }
  long Events(const std::string& id) {
    return std::stol(Value("SELECT count(*) FROM dlr_events WHERE id = ?", {id}));
  }
  long Messages(const std::string& id) {
    return std::stol(Value("SELECT count(*) FROM dlr_messages WHERE id = ?", {id}));
  }
  // "STATUS final delivered deliv_time" of the message.
  std::string Message(const std::string& id) {
    std::vector<Row> rows =
        Rows("SELECT status, final, delivered, deliv_time FROM dlr_messages WHERE id = ?", {id});
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    std::string out;
    for (const auto& v : rows[0]) out += (out.empty() ? "" : " ") + (v ? *v : "NULL");
    return out;
  }

  std::unique_ptr<Store> store;
  StoreReader reader{*store};  // the operator's side, over `store`
};

BOOST_FIXTURE_TEST_SUITE(StoreConformance, Fixture)

BOOST_AUTO_TEST_CASE(SchemaIsCreatedOnFirstUseAndEnsureSchemaIsIdempotent) {
  // No EnsureSchema first: the first Commit on a new database creates it.
  BatchResult r = Store1(MakeBatch({MakeDlr(Id("schema"), "DELIVRD", "2024-01-01 10:00:00")}));
  BOOST_TEST(r.stored == 1u);
  BOOST_TEST(store->EnsureSchema().ok());
  BOOST_TEST(store->EnsureSchema().ok());
  std::unique_ptr<Store> other = OpenTestStore();
  Status s = other->EnsureSchema();
  BOOST_CHECK_MESSAGE(s.ok(), s.ToString());
  BOOST_TEST(Events(Id("schema")) == 1);
  BOOST_TEST(Value("SELECT count(*) FROM dlr_rejected WHERE webhook = ?", {Id("none")}) == "0");
}

BOOST_AUTO_TEST_CASE(StoresEveryFieldExactlyAsSent) {
  Dlr d;
  const char* values[kFieldCount] = {
      "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1",  // id (prefixed below)
      "918921269xxx",
      "DELIVRD",
      "2.0000",
      "2",
      "2021-04-09 16:27:51",
      "2021-04-09 16:27:35",
      "2021-04-09 16:27:39",
      "1701086585",
      "1701086555",
      "1701086559",
      "1234444XXXX",
      "quote ' double \" backslash \\ percent % question ?",
      "campaign-3344",
      "\xf0\x9f\x93\xa8 4-byte UTF-8, Bengal\xc5\xabru",
      "India",
      "Bangalore",
      "Jio",
      "in",
      "KA",
      "RJ",
      "30003"};
  std::string id = Id(values[0]);
  for (size_t i = 0; i < kFieldCount; ++i) d.values[i] = values[i];
  d.Set(Field::kId, id);
  d.raw = "{\"id\": \"" + id + "\", \"status\": \"DELIVRD\", \"unknown_field\": [1, 2],}";
  BatchResult r = Store1(MakeBatch({d}, "hook-\xc3\xa9"));
  BOOST_TEST(r.stored == 1u);
  BOOST_TEST(r.duplicates == 0u);

  std::vector<Row> rows = Rows(
      "SELECT id, mobile, status, credits, units, deliv_time, sent_time, submit_time, deliv_at,"
      " sent_at, submit_at, cid, custom, custom1, custom2, location, region, provider,"
      " location_code, region_code, provider_code, error_code, webhook, raw FROM dlr_events"
      " WHERE id = ?",
      {id});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_REQUIRE_EQUAL(rows[0].size(), kFieldCount + 2);
  for (size_t i = 0; i < kFieldCount; ++i) {
    BOOST_TEST_CONTEXT("column " << FieldName(static_cast<Field>(i))) {
      BOOST_REQUIRE(rows[0][i].has_value());
      BOOST_TEST(*rows[0][i] == *d.values[i]);
    }
  }
  BOOST_TEST(rows[0][kFieldCount].value_or("NULL") == "hook-\xc3\xa9");
  BOOST_TEST(rows[0][kFieldCount + 1].value_or("NULL") == d.raw);
  BOOST_TEST(Value("SELECT count(*) FROM dlr_events WHERE id = ? AND received_at IS NOT NULL",
                   {id}) == "1");

  rows = Rows(
      "SELECT webhook, status, final, delivered, deliv_time, sent_time, submit_time, deliv_at,"
      " sent_at, submit_at FROM dlr_messages WHERE id = ?",
      {id});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  std::vector<std::string> want = {"hook-\xc3\xa9",
                                   "DELIVRD",
                                   "1",
                                   "1",
                                   "2021-04-09 16:27:51",
                                   "2021-04-09 16:27:35",
                                   "2021-04-09 16:27:39",
                                   "1701086585",
                                   "1701086555",
                                   "1701086559"};
  for (size_t i = 0; i < want.size(); ++i) {
    BOOST_TEST_CONTEXT("dlr_messages column " << i) {
      BOOST_TEST(rows[0][i].value_or("NULL") == want[i]);
    }
  }
}

BOOST_AUTO_TEST_CASE(AbsentFieldsAreNull) {
  std::string id = Id("absent");
  Store1(MakeBatch({MakeDlr(id, "UNDELIV")}));
  BOOST_TEST(Value("SELECT mobile FROM dlr_events WHERE id = ?", {id}) == "NULL");
  BOOST_TEST(Value("SELECT deliv_time FROM dlr_events WHERE id = ?", {id}) == "NULL");
  BOOST_TEST(Message(id) == "UNDELIV 1 0 NULL");
}

BOOST_AUTO_TEST_CASE(DuplicateIsAcknowledgedAndNotStoredTwice) {
  Batch b = MakeBatch({MakeDlr(Id("dup"), "DELIVRD", "2024-01-01 10:00:00")});
  BatchResult first = Store1(b);
  BOOST_TEST(first.stored == 1u);
  BOOST_TEST(first.duplicates == 0u);
  BatchResult again = Store1(b);
  BOOST_TEST(again.stored == 0u);
  BOOST_TEST(again.duplicates == 1u);
  BOOST_TEST(Events(Id("dup")) == 1);
  BOOST_TEST(Messages(Id("dup")) == 1);
}

BOOST_AUTO_TEST_CASE(DuplicateWithinOneBatch) {
  Dlr a = MakeDlr(Id("inbatch-a"), "DELIVRD", "2024-01-01 10:00:00");
  Dlr b = MakeDlr(Id("inbatch-b"), "DELIVRD", "2024-01-01 10:00:00");
  BatchResult r = Store1(MakeBatch({a, a, b, a}));
  BOOST_TEST(r.stored == 2u);
  BOOST_TEST(r.duplicates == 2u);
  BOOST_TEST(Events(Id("inbatch-a")) == 1);
  BOOST_TEST(Events(Id("inbatch-b")) == 1);
}

BOOST_AUTO_TEST_CASE(DuplicateWithoutDelivTimeCountsItAsEmpty) {
  std::string id = Id("nodeliv");
  BOOST_TEST(Store1(MakeBatch({MakeDlr(id, "EXPIRED")})).stored == 1u);
  BatchResult again = Store1(MakeBatch({MakeDlr(id, "EXPIRED")}));
  BOOST_TEST(again.duplicates == 1u);
  BatchResult empty = Store1(MakeBatch({MakeDlr(id, "EXPIRED", "")}));
  BOOST_TEST(empty.duplicates == 1u);
  BOOST_TEST(Events(id) == 1);
}

BOOST_AUTO_TEST_CASE(AnotherStatusOrDelivTimeIsANewEvent) {
  std::string id = Id("newevent");
  Store1(MakeBatch({MakeDlr(id, "AWAITING-DLR", "2024-01-01 10:00:00")}));
  BatchResult r =
      Store1(MakeBatch({MakeDlr(id, "AWAITING-DLR", "2024-01-01 10:00:01"),
                        MakeDlr(id, "DELIVRD", "2024-01-01 10:00:01"), MakeDlr(id, "DELIVRD")}));
  BOOST_TEST(r.stored == 3u);
  BOOST_TEST(Events(id) == 4);
  BOOST_TEST(Messages(id) == 1);
}

BOOST_AUTO_TEST_CASE(PendingNeverReplacesFinal) {
  std::string id = Id("final-stays");
  Store1(MakeBatch({MakeDlr(id, "DELIVRD", "2024-01-01 10:00:00")}));
  BatchResult r = Store1(MakeBatch({MakeDlr(id, "AWAITING-DLR", "2024-01-01 11:00:00")}));
  BOOST_TEST(r.stored == 1u);  // the event is kept ...
  BOOST_TEST(Events(id) == 2);
  BOOST_TEST(Message(id) == "DELIVRD 1 1 2024-01-01 10:00:00");  // ... the message is not moved
}

// A provider's classes (webhook/presets.h) decide final and delivered, not the status text.
BOOST_AUTO_TEST_CASE(TheDlrsClassDecidesFinalAndDelivered) {
  auto classed = [](const std::string& id, const std::string& status, DlrClass c,
                    const std::string& deliv_time) {
    Dlr d = MakeDlr(id, status, deliv_time);
    d.dlr_class = c;
    return d;
  };
  std::string id = Id("classed");
  Store1(MakeBatch({classed(id, "sent", DlrClass::kPending, "2024-01-01 10:00:00")}));
  BOOST_TEST(Message(id) == "sent 0 0 2024-01-01 10:00:00");
  Store1(MakeBatch({classed(id, "delivered", DlrClass::kDelivered, "2024-01-01 11:00:00")}));
  BOOST_TEST(Message(id) == "delivered 1 1 2024-01-01 11:00:00");
  Store1(MakeBatch({classed(id, "sent", DlrClass::kPending, "2024-01-01 12:00:00")}));
  BOOST_TEST(Message(id) == "delivered 1 1 2024-01-01 11:00:00");  // final never downgraded
  std::string failed = Id("classed-failed");
  Store1(MakeBatch({classed(failed, "undelivered", DlrClass::kFailed, "2024-01-01 10:00:00")}));
  BOOST_TEST(Message(failed) == "undelivered 1 0 2024-01-01 10:00:00");
  std::string text = Id("classed-text");  // the class wins over a status spelled as ours
  Store1(MakeBatch({classed(text, "DELIVRD", DlrClass::kPending, "2024-01-01 10:00:00")}));
  BOOST_TEST(Message(text) == "DELIVRD 0 0 2024-01-01 10:00:00");
}

// error_code and the class are stored with each event, and the class
// decides the message, whether the DLRs come one to a commit or many (MySQL:
// one multi-row INSERT).
BOOST_AUTO_TEST_CASE(ErrorCodeAndClassAreStoredWithEachEvent) {
  auto dlr = [this](const std::string& name, const std::string& status, std::optional<DlrClass> c,
                    std::optional<std::string> error_code) {
    Dlr d = MakeDlr(Id(name), status, "2024-01-01 10:00:00");
    d.dlr_class = c;
    if (error_code) d.Set(Field::kErrorCode, *error_code);
    return d;
  };
  // id, status, class given, error_code; then the stored class, final, delivered.
  struct Case {
    const char* name;
    const char* status;
    std::optional<DlrClass> given;
    std::optional<std::string> error_code;
    const char* stored;
    const char* message;
  };
  const Case cases[] = {
      {"ec-undelivered", "undelivered", DlrClass::kFailed, "30003", "failed", "1 0"},
      {"ec-sent", "sent", DlrClass::kPending, std::nullopt, "pending", "0 0"},
      {"ec-read", "read", DlrClass::kDelivered, "0", "delivered", "1 1"},
      {"ec-ours-delivered", " delivrd", std::nullopt, std::nullopt, "delivered", "1 1"},
      {"ec-ours-pending", "AWAITING-DLR", std::nullopt, "", "pending", "0 0"},
      {"ec-ours-failed", "UNDELIV", std::nullopt, "\xe2\x80\x94 34 'x'", "failed", "1 0"},
  };
  for (const char* way : {"one at a time", "all in one batch"}) {
    const std::string tag = way[0] == 'o' ? "-1" : "-n";
    std::vector<Dlr> all;
    for (const Case& c : cases) all.push_back(dlr(c.name + tag, c.status, c.given, c.error_code));
    if (way[0] == 'o') {
      for (const Dlr& d : all) BOOST_TEST(Store1(MakeBatch({d})).stored == 1u);
    } else {
      BOOST_TEST(Store1(MakeBatch(all)).stored == all.size());
    }
    for (const Case& c : cases) {
      BOOST_TEST_CONTEXT(way << ": " << c.name) {
        const std::string id = Id(c.name + tag);
        std::vector<Row> rows =
            Rows("SELECT dlr_class, error_code FROM dlr_events WHERE id = ?", {id});
        BOOST_REQUIRE_EQUAL(rows.size(), 1u);
        BOOST_TEST(rows[0][0].value_or("NULL") == c.stored);
        BOOST_TEST(rows[0][1].value_or("NULL") == c.error_code.value_or("NULL"));
        BOOST_TEST(Value("SELECT final FROM dlr_messages WHERE id = ?", {id}) + " " +
                       Value("SELECT delivered FROM dlr_messages WHERE id = ?", {id}) ==
                   c.message);
      }
    }
  }
  // Read back by the operator's side.
  EventFilter f;
  f.id = Id("ec-undelivered-n");
  std::vector<EventRow> read;
  Status s = reader.ScanEvents(f, [&](const EventRow& e) {
    read.push_back(e);
    return Status::Ok();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE_EQUAL(read.size(), 1u);
  BOOST_TEST(read[0].dlr.Get(Field::kErrorCode).value_or("NULL") == "30003");
  BOOST_TEST((read[0].dlr.dlr_class == DlrClass::kFailed));
  BOOST_TEST(read[0].webhook == "sms");
  BOOST_TEST(read[0].dlr.Get(Field::kStatus).value_or("NULL") == "undelivered");
}

BOOST_AUTO_TEST_CASE(PendingTakesWhateverComesNext) {
  std::string id = Id("pending");
  Store1(MakeBatch({MakeDlr(id, "AWAITING-DLR", "2024-01-01 10:00:00")}));
  BOOST_TEST(Message(id) == "AWAITING-DLR 0 0 2024-01-01 10:00:00");
  Store1(MakeBatch({MakeDlr(id, "AWAITING-DLR", "2024-01-01 09:00:00")}));
  BOOST_TEST(Message(id) == "AWAITING-DLR 0 0 2024-01-01 09:00:00");
  Store1(MakeBatch({MakeDlr(id, "UNDELIV", "2024-01-01 08:00:00")}));
  BOOST_TEST(Message(id) == "UNDELIV 1 0 2024-01-01 08:00:00");
}

BOOST_AUTO_TEST_CASE(LaterFinalWins) {
  std::string id = Id("later-final");
  Store1(MakeBatch({MakeDlr(id, "UNDELIV", "2024-01-01 10:00:00")}));
  Store1(MakeBatch({MakeDlr(id, "DELIVRD", "2024-01-01 11:00:00")}));
  BOOST_TEST(Message(id) == "DELIVRD 1 1 2024-01-01 11:00:00");
}

BOOST_AUTO_TEST_CASE(EarlierOrEqualFinalDoesNotWin) {
  std::string id = Id("earlier-final");
  Store1(MakeBatch({MakeDlr(id, "DELIVRD", "2024-01-01 11:00:00")}));
  Store1(MakeBatch({MakeDlr(id, "UNDELIV", "2024-01-01 10:00:00")}));
  BOOST_TEST(Message(id) == "DELIVRD 1 1 2024-01-01 11:00:00");
  Store1(MakeBatch({MakeDlr(id, "EXPIRED", "2024-01-01 11:00:00")}));
  BOOST_TEST(Message(id) == "DELIVRD 1 1 2024-01-01 11:00:00");
  Store1(MakeBatch({MakeDlr(id, "REJECTED")}));  // no deliv_time: earliest of all
  BOOST_TEST(Message(id) == "DELIVRD 1 1 2024-01-01 11:00:00");
  BOOST_TEST(Events(id) == 4);
}

BOOST_AUTO_TEST_CASE(TimesALaterEventLacksAreKept) {
  std::string id = Id("keep-times");
  Dlr first = MakeDlr(id, "AWAITING-DLR", "2024-01-01 10:00:00");
  first.Set(Field::kSentTime, "2024-01-01 09:59:00");
  first.Set(Field::kSubmitTime, "2024-01-01 09:58:00");
  Store1(MakeBatch({first}));
  Store1(MakeBatch({MakeDlr(id, "DELIVRD", "2024-01-01 10:01:00")}));
  std::vector<Row> rows =
      Rows("SELECT status, sent_time, submit_time FROM dlr_messages WHERE id = ?", {id});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_TEST(rows[0][0].value_or("NULL") == "DELIVRD");
  BOOST_TEST(rows[0][1].value_or("NULL") == "2024-01-01 09:59:00");
  BOOST_TEST(rows[0][2].value_or("NULL") == "2024-01-01 09:58:00");
}

BOOST_AUTO_TEST_CASE(TwoBatchesInOneCommit) {
  Batch one = MakeBatch({MakeDlr(Id("two-1a"), "DELIVRD", "2024-01-01 10:00:00"),
                         MakeDlr(Id("two-1b"), "DELIVRD", "2024-01-01 10:00:00")},
                        "first");
  Batch two = MakeBatch({MakeDlr(Id("two-2a"), "UNDELIV", "2024-01-01 10:00:00"),
                         MakeDlr(Id("two-1a"), "DELIVRD", "2024-01-01 10:00:00")},
                        "second");
  std::vector<BatchResult> results;
  Status s = store->Commit({&one, &two}, &results);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  BOOST_TEST(results[0].stored == 2u);
  BOOST_TEST(results[0].duplicates == 0u);
  BOOST_TEST(results[1].stored == 1u);
  BOOST_TEST(results[1].duplicates == 1u);  // two-1a, from the first batch of the same commit
  BOOST_TEST(Value("SELECT webhook FROM dlr_events WHERE id = ?", {Id("two-2a")}) == "second");
  BOOST_TEST(Value("SELECT webhook FROM dlr_events WHERE id = ?", {Id("two-1a")}) == "first");
}

BOOST_AUTO_TEST_CASE(AGroupOfManyDlrsIsCommittedWholeAndCountedPerBatch) {
  // Over a thousand statements in one commit, the server backends' pipeline
  // reads its results in chunks; duplicates within the group, and of a
  // stored event, are counted against the batch that carries them.
  const std::string old = Id("many-old");
  Store1(MakeBatch({MakeDlr(old, "DELIVRD", "2024-01-01 10:00:00")}));
  std::vector<Batch> batches;
  for (int b = 0; b < 5; ++b) {
    std::vector<Dlr> dlrs;
    for (int i = 0; i < 250; ++i) {
      dlrs.push_back(MakeDlr(Id("many-" + std::to_string(b * 250 + i)), "DELIVRD"));
    }
    if (b == 2) dlrs.push_back(MakeDlr(Id("many-10"), "DELIVRD"));  // from batch 0
    if (b == 4) dlrs.push_back(MakeDlr(old, "DELIVRD", "2024-01-01 10:00:00"));
    batches.push_back(MakeBatch(std::move(dlrs)));
  }
  std::vector<const Batch*> group;
  for (const Batch& b : batches) group.push_back(&b);
  std::vector<BatchResult> results;
  Status s = store->Commit(group, &results);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE_EQUAL(results.size(), 5u);
  for (size_t b = 0; b < 5; ++b) {
    BOOST_TEST_CONTEXT("batch " << b) {
      BOOST_TEST(results[b].stored == 250u);
      BOOST_TEST(results[b].duplicates == (b == 2 || b == 4 ? 1u : 0u));
    }
  }
  BOOST_TEST(std::stol(Value("SELECT count(*) FROM dlr_events WHERE id LIKE ?",
                             {RunPrefix() + "many-%"})) == 1251);
  BOOST_TEST(Messages(Id("many-1249")) == 1);
}

BOOST_AUTO_TEST_CASE(AMessageSeveralTimesInOneCommitIsStoredInOrderAsDlrByDlr) {
  // One message's events spread over three batches of one commit, between
  // other messages' events and a duplicate of one of them (the server
  // backends write many events per statement, and a message once per
  // statement): every event is stored in the group's order, the duplicate
  // counted against its batch, and the message ends as DLR by DLR.
  const std::string m = Id("order-m"), x = Id("order-x"), y = Id("order-y");
  Batch one = MakeBatch(
      {MakeDlr(m, "ACCEPTD", "2024-01-01 09:00:00"), MakeDlr(x, "DELIVRD", "2024-01-01 09:00:00")});
  Batch two = MakeBatch({MakeDlr(y, "DELIVRD", "2024-01-01 09:00:00"),
                         MakeDlr(m, "DELIVRD", "2024-01-01 10:00:00"),
                         MakeDlr(x, "DELIVRD", "2024-01-01 09:00:00")});
  Batch three = MakeBatch({MakeDlr(m, "AWAITING-DLR", "2024-01-01 11:00:00"),
                           MakeDlr(m, "DELIVRD", "2024-01-01 10:00:00")});
  std::vector<BatchResult> results;
  Status s = store->Commit({&one, &two, &three}, &results);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE_EQUAL(results.size(), 3u);
  BOOST_TEST(results[0].stored == 2u);
  BOOST_TEST(results[0].duplicates == 0u);
  BOOST_TEST(results[1].stored == 2u);
  BOOST_TEST(results[1].duplicates == 1u);  // x, from the first batch
  BOOST_TEST(results[2].stored == 1u);
  BOOST_TEST(results[2].duplicates == 1u);  // m DELIVRD, from the second batch
  std::string order;
  for (const Row& row :
       Rows("SELECT id, status FROM dlr_events WHERE id IN (?, ?, ?) ORDER BY seq", {m, x, y})) {
    order +=
        row[0].value_or("NULL").substr(RunPrefix().size()) + ":" + row[1].value_or("NULL") + " ";
  }
  BOOST_TEST(order ==
             "order-m:ACCEPTD order-x:DELIVRD order-y:DELIVRD order-m:DELIVRD "
             "order-m:AWAITING-DLR ");
  BOOST_TEST(Message(m) == "DELIVRD 1 1 2024-01-01 10:00:00");
  BOOST_TEST(Messages(m) == 1);
}

BOOST_AUTO_TEST_CASE(InOneBatchTheMessageRulesHoldAsDlrByDlr) {
  // New events (none a duplicate) of a message stored before, and of one
  // message twice, in one batch: a pending status never replaces a final one,
  // whatever the order.
  const std::string a = Id("grp-a"), b = Id("grp-b"), c = Id("grp-c"), d = Id("grp-d");
  Store1(MakeBatch({MakeDlr(a, "DELIVRD", "2024-01-01 10:00:00")}));
  BatchResult r = Store1(MakeBatch({
      MakeDlr(a, "AWAITING-DLR", "2024-01-01 11:00:00"),
      MakeDlr(b, "DELIVRD", "2024-01-01 10:00:00"),
      MakeDlr(c, "AWAITING-DLR", "2024-01-01 09:00:00"),
      MakeDlr(c, "DELIVRD", "2024-01-01 10:00:00"),
      MakeDlr(d, "DELIVRD", "2024-01-01 10:00:00"),
      MakeDlr(d, "AWAITING-DLR", "2024-01-01 11:00:00"),
  }));
  BOOST_TEST(r.stored == 6u);
  BOOST_TEST(r.duplicates == 0u);
  BOOST_TEST(Message(a) == "DELIVRD 1 1 2024-01-01 10:00:00");
  BOOST_TEST(Message(b) == "DELIVRD 1 1 2024-01-01 10:00:00");
  BOOST_TEST(Message(c) == "DELIVRD 1 1 2024-01-01 10:00:00");
  BOOST_TEST(Message(d) == "DELIVRD 1 1 2024-01-01 10:00:00");
  BOOST_TEST(Events(a) == 2);
  BOOST_TEST(Events(b) == 1);
  BOOST_TEST(Events(d) == 2);
}

BOOST_AUTO_TEST_CASE(ACommitAfterTheServerDroppedItsPreparedStatementsStores) {
  // Behind a pooler in transaction mode, the server connection of the next
  // transaction may not know a statement prepared in the last one. The
  // same as seen from here: the session's prepared statements deallocated.
  Store1(MakeBatch({MakeDlr(Id("dealloc-1"), "DELIVRD")}));
  if (Backend() == "postgresql") {
    StatusOr<int64_t> r = store->Execute("DEALLOCATE ALL", {});
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  for (const char* id : {"dealloc-2", "dealloc-3"}) {
    BatchResult r = Store1(MakeBatch({MakeDlr(Id(id), "DELIVRD")}));
    BOOST_TEST(r.stored == 1u);
    BOOST_TEST(Events(Id(id)) == 1);
  }
}

BOOST_AUTO_TEST_CASE(AFailureMidCommitStoresNothing) {
  // The second batch's second DLR has no id: every backend refuses the
  // NULL, after the first batch and the good DLR have been written.
  Batch one = MakeBatch({MakeDlr(Id("aon-1"), "DELIVRD", "2024-01-01 10:00:00"),
                         MakeDlr(Id("aon-2"), "AWAITING-DLR", "2024-01-01 10:00:00")});
  Dlr no_id = MakeDlr("x", "DELIVRD");
  no_id.values[static_cast<size_t>(Field::kId)].reset();
  Batch two = MakeBatch({MakeDlr(Id("aon-3"), "DELIVRD"), no_id});
  std::vector<BatchResult> results;
  Status s = store->Commit({&one, &two}, &results);
  BOOST_TEST(!s.ok());
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  BOOST_TEST(results[0].stored == 0u);
  BOOST_TEST(results[1].stored == 0u);
  for (const char* id : {"aon-1", "aon-2", "aon-3"}) {
    BOOST_TEST_CONTEXT(id) {
      BOOST_TEST(Events(Id(id)) == 0);
      BOOST_TEST(Messages(Id(id)) == 0);
    }
  }
  // The store goes on working, and the good batch is new to it.
  BatchResult r = Store1(one);
  BOOST_TEST(r.stored == 2u);
  BOOST_TEST(Message(Id("aon-2")) == "AWAITING-DLR 0 0 2024-01-01 10:00:00");
}

BOOST_AUTO_TEST_CASE(AValueTheDatabaseCannotHoldIsRefusedWholeOrStoredExactly) {
  // SQLite holds any bytes; a server backend may refuse a NUL, bytes that
  // are not UTF-8, or an id longer than its column, as Unprocessable. Either
  // way the request is kept whole or refused whole.
  struct Case {
    const char* name;
    std::string custom;
    std::string id_suffix;
  } cases[] = {
      {"a NUL byte", std::string("a\0b", 3), ""},
      {"bytes that are not UTF-8", "caf\xe9", ""},
      {"an id of 300+ characters", "x", std::string(300, 'L')},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      std::string good = Id(std::string("unholdable-good-") + c.name);
      std::string bad = Id(std::string("unholdable-bad-") + c.name) + c.id_suffix;
      for (char& ch : good) ch = ch == ' ' ? '_' : ch;
      Dlr odd = MakeDlr(bad, "DELIVRD");
      odd.Set(Field::kCustom, c.custom);
      StatusOr<BatchResult> r = store->StoreBatch(MakeBatch({MakeDlr(good, "DELIVRD"), odd}));
      std::printf("# %s: a DLR with %s: %s\n", Backend().c_str(), c.name,
                  r.ok() ? "stored exactly" : r.status().ToString().c_str());
      if (r.ok()) {
        BOOST_TEST(r.value().stored == 2u);
        BOOST_TEST(Value("SELECT custom FROM dlr_events WHERE id = ?", {bad}) == c.custom);
      } else {
        BOOST_CHECK_MESSAGE(r.status().code() == StatusCode::kUnprocessable, r.status().ToString());
        BOOST_TEST(Events(good) == 0);
        BOOST_TEST(Messages(good) == 0);
      }
    }
  }
  // Either way the store keeps working.
  BOOST_TEST(Store1(MakeBatch({MakeDlr(Id("after-unholdable"), "DELIVRD")})).stored == 1u);
}

BOOST_AUTO_TEST_CASE(RejectedRequestKeepsItsRawBytes) {
  Rejected r;
  r.received_at = "2024-01-02T03:04:05.678Z";
  r.webhook = Id("rejected");
  r.remote_addr = "203.0.113.7";
  r.http_status = 400;
  r.error = "bad_request";
  r.reason = "the body is not valid JSON";
  r.content_type = "application/json";
  for (int i = 0; i < 256; ++i) r.raw += static_cast<char>(i);
  r.raw += "\xff\xfe{\"id\": ";
  Status s = store->RecordRejected(r);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  std::vector<Row> rows = Rows(
      "SELECT webhook, remote_addr, http_status, error, reason, content_type, raw"
      " FROM dlr_rejected WHERE webhook = ?",
      {r.webhook});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_TEST(rows[0][1].value_or("NULL") == "203.0.113.7");
  BOOST_TEST(rows[0][2].value_or("NULL") == "400");
  BOOST_TEST(rows[0][3].value_or("NULL") == "bad_request");
  BOOST_TEST(rows[0][4].value_or("NULL") == r.reason);
  BOOST_TEST(rows[0][5].value_or("NULL") == "application/json");
  BOOST_REQUIRE(rows[0][6].has_value());
  BOOST_TEST(rows[0][6]->size() == r.raw.size());
  BOOST_TEST((*rows[0][6] == r.raw));
}

BOOST_AUTO_TEST_CASE(IdsDifferingInCaseAreDifferentMessages) {
  std::string upper = Id("CaseID-X"), lower = Id("caseid-x");
  BatchResult r = Store1(MakeBatch({MakeDlr(upper, "DELIVRD", "2024-01-01 10:00:00"),
                                    MakeDlr(lower, "UNDELIV", "2024-01-01 10:00:00"),
                                    MakeDlr(lower, "undeliv", "2024-01-01 10:00:00")}));
  BOOST_TEST(r.stored == 3u);
  BOOST_TEST(r.duplicates == 0u);
  BOOST_TEST(Events(upper) == 1);
  BOOST_TEST(Events(lower) == 2);
  BOOST_TEST(Message(upper) == "DELIVRD 1 1 2024-01-01 10:00:00");
  BOOST_TEST(Value("SELECT status FROM dlr_messages WHERE id = ?", {lower}) == "UNDELIV");
  // And trailing spaces are not ignored either (MySQL PAD SPACE collations would).
  BOOST_TEST(Store1(MakeBatch({MakeDlr(upper + " ", "DELIVRD", "2024-01-01 10:00:00")})).stored ==
             1u);
}

BOOST_AUTO_TEST_CASE(TwoConnectionsFollowTheSameRules) {
  std::unique_ptr<Store> other = OpenTestStore();
  std::string id = Id("two-conn");
  Store1(*store, MakeBatch({MakeDlr(id, "UNDELIV", "2024-01-01 10:00:00")}));
  Store1(*other, MakeBatch({MakeDlr(id, "AWAITING-DLR", "2024-01-01 12:00:00")}));
  BOOST_TEST(
      Store1(*other, MakeBatch({MakeDlr(id, "UNDELIV", "2024-01-01 10:00:00")})).duplicates == 1u);
  Store1(*other, MakeBatch({MakeDlr(id, "DELIVRD", "2024-01-01 11:00:00")}));
  Store1(*store, MakeBatch({MakeDlr(id, "EXPIRED", "2024-01-01 10:30:00")}));
  BOOST_TEST(Message(id) == "DELIVRD 1 1 2024-01-01 11:00:00");
  BOOST_TEST(Events(id) == 4);
}

// ---- The operator's side (dlrctl), the same on every backend. Each case
// keeps to rows of its own webhook (or, for purge, of 1990).

BOOST_AUTO_TEST_CASE(MigrateAndPingReportTheCurrentVersion) {
  StatusOr<SchemaReport> r = store->Migrate();
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().after == kSchemaVersion);
  r = store->Migrate();
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().before == kSchemaVersion);  // idempotent
  std::unique_ptr<Store> other = OpenTestStore();
  StatusOr<int> v = other->Ping();
  BOOST_REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  BOOST_TEST(v.value() == kSchemaVersion);
  // Ping leaves the connection usable for the rest.
  BOOST_TEST(Store1(*other, MakeBatch({MakeDlr(Id("after-ping"), "DELIVRD")})).stored == 1u);
}

BOOST_AUTO_TEST_CASE(ScanEventsStreamsRowsPrintedAlikeEverywhere) {
  const std::string hook = Id("ops-scan");
  Batch b1 = MakeBatch({MakeDlr(Id("s1"), "AWAITING-DLR"), MakeDlr(Id("s2"), "DELIVRD")}, hook);
  b1.received_at = "2026-03-01T10:00:00.007Z";
  b1.query = "campaign=7";
  Batch b2 = MakeBatch({MakeDlr(Id("s1"), "delivrd", "2026-03-01 10:05:00")}, hook);
  b2.received_at = "2026-03-01T23:59:59.999Z";
  b2.dlrs[0].Set(Field::kProvider, "Jio");
  b2.dlrs[0].raw = std::string(5000, 'r');  // longer than any first-guess buffer
  Batch b3 = MakeBatch({MakeDlr(Id("s3"), "UNDELIV")}, hook);
  b3.received_at = "2026-03-02T00:00:00.000Z";
  for (const Batch* b : {&b1, &b2, &b3}) Store1(*b);

  EventFilter f;
  f.webhook = hook;
  std::vector<EventRow> rows;
  Status s = reader.ScanEvents(f, [&](const EventRow& e) {
    rows.push_back(e);
    return Status::Ok();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE_EQUAL(rows.size(), 4u);
  BOOST_TEST(*rows[0].dlr.Get(Field::kId) == Id("s1"));
  BOOST_TEST(*rows[1].dlr.Get(Field::kId) == Id("s2"));
  BOOST_TEST(rows[0].received_at == "2026-03-01T10:00:00.007Z");
  BOOST_TEST(rows[2].received_at == "2026-03-01T23:59:59.999Z");
  BOOST_TEST(rows[3].received_at == "2026-03-02T00:00:00.000Z");
  BOOST_TEST(rows[0].query.value_or("NULL") == "campaign=7");
  BOOST_TEST(!rows[2].query.has_value());
  BOOST_TEST(rows[2].dlr.raw == std::string(5000, 'r'));
  BOOST_TEST(rows[2].dlr.Get(Field::kProvider).value_or("NULL") == "Jio");
  BOOST_TEST(rows[2].dlr.Get(Field::kDelivTime).value_or("NULL") == "2026-03-01 10:05:00");
  BOOST_TEST(!rows[2].dlr.Get(Field::kMobile).has_value());
  BOOST_TEST(rows[0].seq < rows[3].seq);

  auto count = [&](const EventFilter& filter) {
    int n = 0;
    Status st = reader.ScanEvents(filter, [&](const EventRow&) {
      ++n;
      return Status::Ok();
    });
    BOOST_REQUIRE_MESSAGE(st.ok(), st.ToString());
    return n;
  };
  EventFilter g = f;
  g.since = "2026-03-01T23:59:59.999Z";  // included
  BOOST_TEST(count(g) == 2);
  g = f;
  g.until = "2026-03-02T00:00:00.000Z";  // excluded
  BOOST_TEST(count(g) == 3);
  g = f;
  g.statuses = {"DELIVRD"};  // any case
  BOOST_TEST(count(g) == 2);
  g = f;
  g.id = Id("s1");
  BOOST_TEST(count(g) == 2);
  g.id = Id("S1");
  BOOST_TEST(count(g) == 0);

  // A callback that stops the scan stops it; the store is usable after.
  int seen = 0;
  s = reader.ScanEvents(f, [&](const EventRow&) {
    return ++seen == 2 ? Status::Unavailable("stop here") : Status::Ok();
  });
  BOOST_TEST(seen == 2);
  BOOST_TEST(s.message() == "stop here");
  BOOST_TEST(count(f) == 4);
  BOOST_TEST(Store1(MakeBatch({MakeDlr(Id("after-stop"), "DELIVRD")})).stored == 1u);
}

BOOST_AUTO_TEST_CASE(StatsAreComputedAlikeEverywhere) {
  const std::string hook = Id("ops-stats");
  Batch b1 = MakeBatch({MakeDlr(Id("t1"), "DELIVRD"), MakeDlr(Id("t2"), "UNDELIV"),
                        MakeDlr(Id("t3"), "AWAITING-DLR")},
                       hook);
  b1.received_at = "2026-03-01T22:00:00.000Z";
  b1.dlrs[0].Set(Field::kProvider, "Airtel");
  b1.dlrs[1].Set(Field::kProvider, "Airtel");
  b1.dlrs[0].Set(Field::kLocation, "Delhi");
  Batch b2 = MakeBatch({MakeDlr(Id("t3"), "DELIVRD")}, hook);
  b2.received_at = "2026-03-02T01:00:00.000Z";
  Store1(b1);
  Store1(b2);
  EventFilter f;
  f.webhook = hook;
  StatusOr<EventStats> got = reader.Stats(f);
  BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  const EventStats& st = got.value();
  BOOST_TEST(st.total.events == 4);
  BOOST_TEST(st.total.delivered == 2);
  BOOST_TEST(st.total.failed == 1);
  BOOST_TEST(st.total.pending == 1);
  BOOST_TEST(st.first_received_at == "2026-03-01T22:00:00.000Z");
  BOOST_TEST(st.last_received_at == "2026-03-02T01:00:00.000Z");
  BOOST_REQUIRE_EQUAL(st.by_status.size(), 3u);
  BOOST_TEST(st.by_status[0].key.value_or("NULL") == "DELIVRD");
  BOOST_TEST(st.by_status[0].counts.events == 2);
  BOOST_REQUIRE_EQUAL(st.by_provider.size(), 2u);
  BOOST_TEST(st.by_provider[0].key.value_or("NULL") == "Airtel");
  BOOST_TEST(st.by_provider[0].counts.delivered == 1);
  BOOST_TEST(st.by_provider[0].counts.failed == 1);
  BOOST_TEST(!st.by_provider[1].key.has_value());
  BOOST_REQUIRE_EQUAL(st.by_location.size(), 2u);
  BOOST_TEST(st.by_location[0].key.value_or("NULL") == "NULL");  // 3 events without
  BOOST_REQUIRE_EQUAL(st.by_day.size(), 2u);
  BOOST_TEST(st.by_day[0].key.value_or("NULL") == "2026-03-01");  // UTC days
  BOOST_TEST(st.by_day[0].counts.events == 3);
  BOOST_TEST(st.by_day[1].key.value_or("NULL") == "2026-03-02");
  // The status page's groupings: UTC hours, and each webhook's last event.
  BOOST_REQUIRE_EQUAL(st.by_hour.size(), 2u);
  BOOST_TEST(st.by_hour[0].key.value_or("NULL") == "2026-03-01T22");
  BOOST_TEST(st.by_hour[0].counts.pending == 1);
  BOOST_TEST(st.by_hour[1].key.value_or("NULL") == "2026-03-02T01");
  BOOST_TEST(st.by_hour[1].counts.delivered == 1);
  BOOST_REQUIRE_EQUAL(st.by_webhook.size(), 1u);
  BOOST_TEST(st.by_webhook[0].key.value_or("NULL") == hook);
  BOOST_TEST(st.by_webhook[0].counts.events == 4);
  BOOST_TEST(st.by_webhook[0].last_received_at == "2026-03-02T01:00:00.000Z");
}

// Stats count by the stored class: Twilio's undelivered failed, sent
// pending; our own statuses by their text.
BOOST_AUTO_TEST_CASE(StatsCountByTheStoredClass) {
  const std::string hook = Id("ops-classes");
  auto twilio = [this](const std::string& name, const std::string& status, DlrClass c) {
    Dlr d = MakeDlr(Id(name), status);
    d.dlr_class = c;
    return d;
  };
  Batch b = MakeBatch(
      {twilio("c1", "undelivered", DlrClass::kFailed), twilio("c2", "sent", DlrClass::kPending),
       twilio("c3", "delivered", DlrClass::kDelivered), twilio("c4", "DELIVRD", DlrClass::kPending),
       MakeDlr(Id("c5"), "sent"), MakeDlr(Id("c6"), "DELIVRD")},
      hook);
  b.received_at = "2026-03-01T22:00:00.000Z";
  Store1(b);
  EventFilter f;
  f.webhook = hook;
  StatusOr<EventStats> got = reader.Stats(f);
  BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  const EventStats& st = got.value();
  BOOST_TEST(st.total.events == 6);
  BOOST_TEST(st.total.delivered == 2);  // c3, c6
  BOOST_TEST(st.total.failed == 2);     // c1, c5 ("sent" by our own rule)
  BOOST_TEST(st.total.pending == 2);    // c2, c4
  bool seen = false;
  for (const StatsGroup& g : st.by_status) {
    if (g.key.value_or("") != "sent") continue;
    seen = true;
    BOOST_TEST(g.counts.events == 2);
    BOOST_TEST(g.counts.pending == 1);
    BOOST_TEST(g.counts.failed == 1);
  }
  BOOST_TEST(seen);
  BOOST_REQUIRE_EQUAL(st.by_hour.size(), 1u);
  BOOST_TEST(st.by_hour[0].counts.pending == 2);
}

BOOST_AUTO_TEST_CASE(LastReceivedAtLooksPastAnyWindow) {
  const std::string hook = Id("ops-last"), quiet = Id("ops-last-quiet"), none = Id("ops-never");
  Batch b1 = MakeBatch({MakeDlr(Id("l1"), "DELIVRD")}, hook);
  b1.received_at = "2026-03-01T22:00:00.000Z";
  Batch b2 = MakeBatch({MakeDlr(Id("l2"), "DELIVRD")}, hook);
  b2.received_at = "2026-03-02T01:00:00.123Z";
  Batch b3 = MakeBatch({MakeDlr(Id("l3"), "UNDELIV")}, quiet);
  b3.received_at = "2025-11-22T10:00:00.000Z";
  Store1(b2);
  Store1(b1);  // stored after, older: the latest time wins, not the latest row
  Store1(b3);
  StatusOr<std::vector<std::string>> got = reader.LastReceivedAt({quiet, none, hook});
  BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  BOOST_TEST(got.value() == (std::vector<std::string>{"2025-11-22T10:00:00.000Z", "",
                                                      "2026-03-02T01:00:00.123Z"}),
             boost::test_tools::per_element());
  StatusOr<std::vector<std::string>> empty = reader.LastReceivedAt({});
  BOOST_REQUIRE_MESSAGE(empty.ok(), empty.status().ToString());
  BOOST_TEST(empty.value().empty());
}

BOOST_AUTO_TEST_CASE(RefusedRequestsAreListedShownAndMarkedReplayed) {
  const std::string hook = Id("ops-rejected");
  for (int i = 1; i <= 3; ++i) {
    Rejected r;
    r.received_at = "2026-03-0" + std::to_string(i) + "T10:00:00.123Z";
    r.webhook = hook;
    r.remote_addr = "203.0.113." + std::to_string(i);
    r.http_status = 422;
    r.error = "invalid_dlr";
    r.reason = "no status";
    r.content_type = "application/json";
    r.raw = std::string("{\"id\": \0\xff", 10) + std::to_string(i);
    r.method = i == 3 ? "GET" : "POST";
    if (i == 1) r.query = "campaign=7";
    if (i == 2) r.query = "";
    Status s = store->RecordRejected(r);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  RejectedFilter f;
  f.webhook = hook;
  std::vector<RejectedRow> rows;
  Status s = reader.ScanRejected(f, [&](const RejectedRow& r) {
    rows.push_back(r);
    return Status::Ok();
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  BOOST_TEST(rows[0].rejected.remote_addr == "203.0.113.3");  // newest first
  BOOST_TEST(rows[0].rejected.received_at == "2026-03-03T10:00:00.123Z");
  BOOST_TEST(rows[0].rejected.method == "GET");
  BOOST_TEST(!rows[0].rejected.query.has_value());
  BOOST_TEST(rows[1].rejected.query.value_or("NULL") == "");  // "" is not NULL
  BOOST_TEST(rows[2].rejected.query.value_or("NULL") == "campaign=7");
  BOOST_TEST(rows[2].rejected.raw == std::string("{\"id\": \0\xff", 10) + "1");
  BOOST_TEST(rows[2].rejected.http_status == 422);
  f.limit = 1;
  f.since = "2026-03-01T10:00:00.123Z";
  f.until = "2026-03-03T00:00:00.000Z";
  int n = 0;
  s = reader.ScanRejected(f, [&](const RejectedRow& r) {
    ++n;
    BOOST_TEST(r.rejected.remote_addr == "203.0.113.2");
    return Status::Ok();
  });
  BOOST_TEST(n == 1);

  const int64_t seq = rows[2].seq;
  StatusOr<RejectedRow> one = reader.GetRejected(seq);
  BOOST_REQUIRE_MESSAGE(one.ok(), one.status().ToString());
  BOOST_TEST(one.value().rejected.webhook == hook);
  BOOST_TEST(!one.value().replayed_at.has_value());
  s = reader.MarkReplayed(seq, "2026-03-04T05:06:07.089Z", 200);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  one = reader.GetRejected(seq);
  BOOST_TEST(one.value().replayed_at.value_or("NULL") == "2026-03-04T05:06:07.089Z");
  BOOST_TEST(one.value().replay_status == 200);
  BOOST_TEST((reader.GetRejected(seq + 1000000).status().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(PurgeDeletesOldRowsInBoundedBatches) {
  Batch old = MakeBatch(
      {MakeDlr(Id("p1"), "DELIVRD"), MakeDlr(Id("p2"), "DELIVRD"), MakeDlr(Id("p3"), "UNDELIV")},
      Id("ops-purge"));
  old.received_at = "1990-06-01T00:00:00.000Z";
  Store1(old);
  Rejected r;
  r.received_at = "1990-06-01T00:00:00.000Z";
  r.webhook = Id("ops-purge");
  r.http_status = 400;
  r.error = "bad_request";
  r.reason = "x";
  BOOST_REQUIRE(store->RecordRejected(r).ok());
  const std::string before = "1991-01-01T00:00:00.000Z";
  StatusOr<PurgeCounts> dry = reader.PurgeBefore(before, 2, true, nullptr);
  BOOST_REQUIRE_MESSAGE(dry.ok(), dry.status().ToString());
  BOOST_TEST(dry.value().events == 3);
  BOOST_TEST(dry.value().messages == 3);
  BOOST_TEST(dry.value().rejected == 1);
  BOOST_TEST(Events(Id("p1")) == 1);
  int batches = 0;
  StatusOr<PurgeCounts> done =
      reader.PurgeBefore(before, 2, false, [&](const PurgeCounts&) { ++batches; });
  BOOST_REQUIRE_MESSAGE(done.ok(), done.status().ToString());
  BOOST_TEST(done.value().events == 3);
  BOOST_TEST(done.value().messages == 3);
  BOOST_TEST(done.value().rejected == 1);
  BOOST_TEST(batches == 2 + 1 + 2);
  BOOST_TEST(Events(Id("p1")) == 0);
  BOOST_TEST(Messages(Id("p3")) == 0);
}

// Not a check: prints what one durable commit costs on this backend.
BOOST_AUTO_TEST_CASE(CommitLatency) {
  const int kCommits = 200, kBatch = 100;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCommits; ++i) {
    Store1(MakeBatch({MakeDlr(Id("latency-" + std::to_string(i)), "DELIVRD")}));
  }
  double single = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<Dlr> many;
  for (int i = 0; i < kBatch; ++i) {
    many.push_back(MakeDlr(Id("batch-" + std::to_string(i)), "DELIVRD"));
  }
  start = std::chrono::steady_clock::now();
  BOOST_TEST(Store1(MakeBatch(many)).stored == static_cast<size_t>(kBatch));
  double batch = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "# %s: %d one-DLR commits in %.2f s (%.2f ms each, %.0f/s); one commit of %d DLRs "
      "in %.1f ms (%.0f DLRs/s)\n",
      Backend().c_str(), kCommits, single, 1000.0 * single / kCommits, kCommits / single, kBatch,
      1000.0 * batch, kBatch / batch);
}

// Schema 3 -> 4 on a database with rows: error_code and dlr_class added,
// the rows' classes filled from their status text (StatusTextClass). Last:
// it takes the shared database back to schema 3 first (and the classes of
// every row stored so far back to their status text's).
BOOST_AUTO_TEST_CASE(MigratesASchema3DatabaseWithRowsTo4) {
  const SqlDialect d = store->dialect();
  auto exec = [this](const std::string& sql, const std::vector<std::string>& params = {}) {
    StatusOr<int64_t> r = store->Execute(sql, params);
    BOOST_REQUIRE_MESSAGE(r.ok(), sql + ": " + r.status().ToString());
  };
  BOOST_REQUIRE(store->EnsureSchema().ok());
  exec("ALTER TABLE dlr_events DROP COLUMN error_code");
  exec("ALTER TABLE dlr_events DROP COLUMN dlr_class");
  exec(d == SqlDialect::kSqlite ? "PRAGMA user_version = 3"
                                : "DELETE FROM dlr_schema WHERE version > 3");
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"DELIVRD", "delivered"},        {"delivrd", "delivered"},
      {" Delivrd\t\r\n", "delivered"}, {"AWAITING-DLR", "pending"},
      {"\nawaiting-dlr ", "pending"},  {"UNDELIV", "failed"},
      {"DELI VRD", "failed"},          {"sent", "failed"},
      {"DELIVRD-X", "failed"},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    exec("INSERT INTO dlr_events (id, status, webhook, raw, received_at) VALUES (?, ?, ?, ?, ?)",
         {Id("v3-" + std::to_string(i)), rows[i].first, Id("v3"), "{}",
          TimestampParam(d, "2025-01-01T00:00:00.000Z")});
  }
  std::unique_ptr<Store> upgraded = OpenTestStore();
  StatusOr<SchemaReport> r = upgraded->Migrate();
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().before == 3);
  BOOST_TEST(r.value().after == 4);
  r = upgraded->Migrate();
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().before == 4);  // idempotent
  for (size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST_CONTEXT("status [" << rows[i].first << "]") {
      StatusOr<std::vector<Row>> got =
          upgraded->Query("SELECT dlr_class, error_code FROM dlr_events WHERE id = ?",
                          {Id("v3-" + std::to_string(i))});
      BOOST_REQUIRE_MESSAGE(got.ok(), got.status().ToString());
      BOOST_REQUIRE_EQUAL(got.value().size(), 1u);
      BOOST_TEST(got.value()[0][0].value_or("NULL") == rows[i].second);
      BOOST_TEST(!got.value()[0][1].has_value());
      BOOST_TEST(DlrClassName(StatusTextClass(rows[i].first)) == rows[i].second);
    }
  }
  StoreReader upgraded_reader(*upgraded);
  EventFilter f;
  f.webhook = Id("v3");
  StatusOr<EventStats> st = upgraded_reader.Stats(f);
  BOOST_REQUIRE_MESSAGE(st.ok(), st.status().ToString());
  BOOST_TEST(st.value().total.delivered == 3);
  BOOST_TEST(st.value().total.pending == 2);
  BOOST_TEST(st.value().total.failed == 4);
  // The upgraded schema takes the writes of this version.
  Dlr after = MakeDlr(Id("v4-after"), "undelivered");
  after.Set(Field::kErrorCode, "30003");
  after.dlr_class = DlrClass::kFailed;
  BOOST_TEST(Store1(*upgraded, MakeBatch({after, MakeDlr(Id("v4-after-2"), "DELIVRD")})).stored ==
             2u);
  BOOST_TEST(Value("SELECT error_code FROM dlr_events WHERE id = ?", {Id("v4-after")}) == "30003");
  BOOST_TEST(Value("SELECT dlr_class FROM dlr_events WHERE id = ?", {Id("v4-after")}) == "failed");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
