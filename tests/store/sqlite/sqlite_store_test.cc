// Tests of common/sqlite_store.* (and the factory of common/store.*) against a
// real SQLite file in a temporary directory, read back through a connection
// of the test's own. The last suite checks that tests/testing/fake_store.h's
// MemoryStore agrees with this backend, so handler tests that use it mean
// what they say.
#define BOOST_TEST_DYN_LINK
#include "common/store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "common/store/batch_codec.h"
#include "common/store/factory/open_store.h"
#include "common/store/group_commit.h"
#include "common/store/sqlite/commit_queue.h"
#include "common/store/sqlite/writer_lock.h"
#include "common/store/store.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_util.h"

namespace dlr {

namespace {

constexpr char kNull[] = "(null)";
constexpr char kReceivedAt[] = "2026-01-02T03:04:05.678Z";

using test::TempDir;

// The test's own connection to the database file.
class Db {
 public:
  explicit Db(const std::string& path) {
    BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  void MustExec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    BOOST_TEST_REQUIRE(rc == SQLITE_OK, sql << ": " << msg);
  }
  // Every row, each column's bytes (kNull for NULL).
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK,
                       sql << ": " << sqlite3_errmsg(db_));
    std::vector<std::vector<std::string>> rows;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        if (sqlite3_column_type(st, i) == SQLITE_NULL) {
          row.push_back(kNull);
        } else {
          const void* b = sqlite3_column_blob(st, i);
          int n = sqlite3_column_bytes(st, i);
          row.emplace_back(static_cast<const char*>(b), static_cast<size_t>(n));
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    BOOST_TEST_REQUIRE(rc == SQLITE_DONE, sql << ": " << sqlite3_errmsg(db_));
    return rows;
  }
  // The first column of the only row.
  std::string One(const std::string& sql) {
    auto rows = Query(sql);
    BOOST_TEST_REQUIRE(rows.size() == 1u, sql);
    return rows[0][0];
  }
  long Count(const std::string& table) { return std::stol(One("SELECT count(*) FROM " + table)); }

 private:
  sqlite3* db_ = nullptr;
};

Dlr MakeDlr(const std::string& id, const std::string& status,
            std::optional<std::string> deliv_time = std::nullopt) {
  Dlr d;
  d.Set(Field::kId, id);
  d.Set(Field::kStatus, status);
  if (deliv_time) d.Set(Field::kDelivTime, *deliv_time);
  d.raw = "{\"id\":\"" + id + "\",\"status\":\"" + status + "\"}";
  return d;
}

Batch MakeBatch(std::vector<Dlr> dlrs, const std::string& webhook = "sms") {
  Batch b;
  b.webhook = webhook;
  b.received_at = kReceivedAt;
  b.dlrs = std::move(dlrs);
  return b;
}

StoreOptions Options(int busy_timeout_ms = 5000) {
  StoreOptions o;
  o.busy_timeout_ms = busy_timeout_ms;
  return o;
}

// Stores one batch, which must succeed.
BatchResult MustStore(StoreWriter& store, const Batch& batch) {
  StatusOr<BatchResult> r = store.StoreBatch(batch);
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  return r.value();
}

// A fresh database with its schema, and the store that made it.
struct Fixture {
  TempDir dir{"sqlite_test"};
  std::string path = dir.File("dlr.sqlite");
  SqliteStore store{path, Options()};
  Fixture() {
    Status s = store.EnsureSchema();
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  }
};

// status, final, delivered, deliv_time of the message `id`.
std::vector<std::string> MessageRow(Db& db, const std::string& id) {
  auto rows = db.Query(
      "SELECT status, final, delivered, deliv_time FROM dlr_messages WHERE id = '" + id + "'");
  BOOST_TEST_REQUIRE(rows.size() == 1u, "no message " << id);
  return rows[0];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SqliteStoreSchemaTest)

BOOST_AUTO_TEST_CASE(CreatesTheSchemaOnFirstUse) {
  TempDir dir{"sqlite_test"};
  SqliteStore store(dir.File("dlr.sqlite"), Options());
  Status s = store.EnsureSchema();
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  Db db(dir.File("dlr.sqlite"));
  auto tables = db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  BOOST_TEST_REQUIRE(tables.size() == 3u);
  BOOST_TEST(tables[0][0] == "dlr_events");
  BOOST_TEST(tables[1][0] == "dlr_messages");
  BOOST_TEST(tables[2][0] == "dlr_rejected");
  BOOST_TEST(db.One("PRAGMA user_version") == std::to_string(kSchemaVersion));
}

BOOST_AUTO_TEST_CASE(EventsTableHasTheContractsColumns) {
  Fixture f;
  Db db(f.path);
  std::vector<std::string> columns;
  for (const auto& row : db.Query("SELECT name FROM pragma_table_info('dlr_events')")) {
    columns.push_back(row[0]);
  }
  for (size_t i = 0; i < kFieldCount; ++i) {
    const std::string name = FieldName(static_cast<Field>(i));
    BOOST_TEST((std::find(columns.begin(), columns.end(), name) != columns.end()), name);
  }
  for (const char* name : {"dlr_class", "webhook", "raw", "received_at"}) {
    BOOST_TEST((std::find(columns.begin(), columns.end(), name) != columns.end()), name);
  }
}

BOOST_AUTO_TEST_CASE(CommitCreatesTheSchemaToo) {
  TempDir dir{"sqlite_test"};
  SqliteStore store(dir.File("dlr.sqlite"), Options());
  BOOST_TEST(MustStore(store, MakeBatch({MakeDlr("a", "DELIVRD")})).stored == 1u);
  Db db(dir.File("dlr.sqlite"));
  BOOST_TEST(db.Count("dlr_events") == 1);
}

BOOST_AUTO_TEST_CASE(EnsureSchemaIsIdempotent) {
  Fixture f;
  MustStore(f.store, MakeBatch({MakeDlr("a", "DELIVRD")}));
  Status s = f.store.EnsureSchema();
  BOOST_TEST(s.ok(), s.ToString());
  SqliteStore second(f.path, Options());
  s = second.EnsureSchema();
  BOOST_TEST(s.ok(), s.ToString());
  s = second.EnsureSchema();
  BOOST_TEST(s.ok(), s.ToString());
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 1);  // nothing dropped or recreated
}

BOOST_AUTO_TEST_CASE(JournalModeIsWal) {
  Fixture f;
  Db db(f.path);
  BOOST_TEST(db.One("PRAGMA journal_mode") == "wal");
}

BOOST_AUTO_TEST_CASE(NewerSchemaVersionIsInternal) {
  Fixture f;
  {
    Db db(f.path);
    db.MustExec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  }
  SqliteStore store(f.path, Options());
  Status s = store.EnsureSchema();
  BOOST_TEST(s.code() == StatusCode::kInternal, s.ToString());
  StatusOr<BatchResult> r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST(r.status().code() == StatusCode::kInternal, r.status().ToString());
  Rejected rej;
  rej.raw = "x";
  BOOST_TEST(store.RecordRejected(rej).code() == StatusCode::kInternal);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 0);
  BOOST_TEST(db.Count("dlr_rejected") == 0);
  BOOST_TEST(db.One("PRAGMA user_version") == std::to_string(kSchemaVersion + 1));  // untouched
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SqliteStoreCommitTest)

BOOST_AUTO_TEST_CASE(StoresABatch) {
  Fixture f;
  BatchResult r = MustStore(f.store, MakeBatch({MakeDlr("a", "DELIVRD", "2021-04-09 16:27:51"),
                                                MakeDlr("b", "UNDELIV", "2021-04-09 16:27:52"),
                                                MakeDlr("c", "AWAITING-DLR")},
                                               "sms"));
  BOOST_TEST(r.stored == 3u);
  BOOST_TEST(r.duplicates == 0u);
  Db db(f.path);
  auto rows = db.Query(
      "SELECT id, status, deliv_time, webhook, raw, received_at FROM dlr_events "
      "ORDER BY seq");
  BOOST_TEST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0][0] == "a");
  BOOST_TEST(rows[0][1] == "DELIVRD");
  BOOST_TEST(rows[0][2] == "2021-04-09 16:27:51");
  BOOST_TEST(rows[0][3] == "sms");
  BOOST_TEST(rows[0][4] == R"({"id":"a","status":"DELIVRD"})");
  BOOST_TEST(rows[0][5] == kReceivedAt);
  BOOST_TEST(rows[2][2] == kNull);  // absent stays NULL
  BOOST_TEST(db.Count("dlr_messages") == 3);
}

BOOST_AUTO_TEST_CASE(EveryFieldGoesToItsOwnColumnAsText) {
  Fixture f;
  Dlr d;
  for (size_t i = 0; i < kFieldCount; ++i) {
    d.values[i] = std::string("v-") + FieldName(static_cast<Field>(i));
  }
  d.Set(Field::kCredits, "2.0000");
  d.Set(Field::kUnits, "2");
  d.raw = "the raw event";
  MustStore(f.store, MakeBatch({d}));
  Db db(f.path);
  for (size_t i = 0; i < kFieldCount; ++i) {
    const std::string name = FieldName(static_cast<Field>(i));
    BOOST_TEST_CONTEXT("column " << name) {
      BOOST_TEST(db.One("SELECT " + name + " FROM dlr_events") == *d.values[i]);
    }
  }
  // Numbers as sent: "2.0000" is not "2.0" or 2.
  BOOST_TEST(db.One("SELECT typeof(credits) || ':' || credits FROM dlr_events") == "text:2.0000");
  BOOST_TEST(db.One("SELECT typeof(units) || ':' || units FROM dlr_events") == "text:2");
  BOOST_TEST(db.One("SELECT raw FROM dlr_events") == "the raw event");
  BOOST_TEST(db.One("SELECT dlr_class FROM dlr_events") == "failed");  // status "v-status"
  auto m =
      db.Query("SELECT sent_time, submit_time, deliv_at, sent_at, submit_at FROM dlr_messages");
  BOOST_TEST_REQUIRE(m.size() == 1u);
  BOOST_TEST(m[0][0] == "v-sent_time");
  BOOST_TEST(m[0][1] == "v-submit_time");
  BOOST_TEST(m[0][2] == "v-deliv_at");
  BOOST_TEST(m[0][3] == "v-sent_at");
  BOOST_TEST(m[0][4] == "v-submit_at");
}

BOOST_AUTO_TEST_CASE(TextIsStoredExactly) {
  Fixture f;
  Dlr d = MakeDlr(std::string("id\0with nul", 11), "DELIVRD");
  d.Set(Field::kCustom, "caf\xc3\xa9 '); DROP TABLE dlr_events; --");
  d.raw = std::string("{\"k\":\"v\"}\n", 10);
  MustStore(f.store, MakeBatch({d, MakeDlr("  spaced ", "DELIVRD")}));
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 2);
  BOOST_TEST(db.One("SELECT id FROM dlr_events ORDER BY seq LIMIT 1") ==
             std::string("id\0with nul", 11));
  BOOST_TEST(db.One("SELECT custom FROM dlr_events ORDER BY seq LIMIT 1") ==
             "caf\xc3\xa9 '); DROP TABLE dlr_events; --");
  BOOST_TEST(db.One("SELECT id FROM dlr_events ORDER BY seq DESC LIMIT 1") == "  spaced ");
}

BOOST_AUTO_TEST_CASE(DuplicatesAreCountedNotStored) {
  Fixture f;
  Batch b = MakeBatch({MakeDlr("a", "DELIVRD", "2021-04-09 16:27:51")});
  BatchResult first = MustStore(f.store, b);
  BatchResult second = MustStore(f.store, b);
  BOOST_TEST(first.stored == 1u);
  BOOST_TEST(first.duplicates == 0u);
  BOOST_TEST(second.stored == 0u);
  BOOST_TEST(second.duplicates == 1u);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 1);
}

BOOST_AUTO_TEST_CASE(DuplicatesWithinOneBatchAreCounted) {
  Fixture f;
  Dlr a = MakeDlr("a", "DELIVRD", "2021-04-09 16:27:51");
  Dlr a_again = a;
  a_again.raw = "a different body, the same event";
  BatchResult r = MustStore(f.store, MakeBatch({a, a_again, MakeDlr("b", "DELIVRD")}));
  BOOST_TEST(r.stored == 2u);
  BOOST_TEST(r.duplicates == 1u);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 2);
  BOOST_TEST(db.One("SELECT raw FROM dlr_events WHERE id = 'a'") == a.raw);  // the first kept
}

BOOST_AUTO_TEST_CASE(AnEventIsIdStatusAndDelivTime) {
  Fixture f;
  struct Step {
    Dlr dlr;
    bool is_new;
  };
  const Step steps[] = {
      {MakeDlr("m", "DELIVRD", "2021-04-09 16:27:51"), true},
      {MakeDlr("m", "DELIVRD", "2021-04-09 16:27:51"), false},
      {MakeDlr("m", "DELIVRD", "2021-04-09 16:27:52"), true},  // another time
      {MakeDlr("m", "UNDELIV", "2021-04-09 16:27:51"), true},  // another status
      {MakeDlr("M", "DELIVRD", "2021-04-09 16:27:51"), true},  // ids differ in case
      {MakeDlr("m", "delivrd", "2021-04-09 16:27:51"), true},  // statuses too
      {MakeDlr("n", "DELIVRD"), true},                         // no deliv_time
      {MakeDlr("n", "DELIVRD"), false},                        // ... twice
      {MakeDlr("n", "DELIVRD", ""), false},                    // "" is as absent
      {MakeDlr("p", "DELIVRD", ""), true},
      {MakeDlr("p", "DELIVRD"), false},
  };
  long expected_rows = 0;
  for (const Step& s : steps) {
    BOOST_TEST_CONTEXT("event " << s.dlr.raw << " deliv_time "
                                << s.dlr.Get(Field::kDelivTime).value_or("(absent)")) {
      BatchResult r = MustStore(f.store, MakeBatch({s.dlr}));
      BOOST_TEST(r.stored == (s.is_new ? 1u : 0u));
      BOOST_TEST(r.duplicates == (s.is_new ? 0u : 1u));
      if (s.is_new) ++expected_rows;
    }
  }
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == expected_rows);
  BOOST_TEST(db.Count("dlr_messages") == 4);  // m, M, n, p
}

BOOST_AUTO_TEST_CASE(TwoBatchesInOneCommitGetTheirOwnResults) {
  Fixture f;
  Batch a = MakeBatch({MakeDlr("a1", "DELIVRD"), MakeDlr("a2", "DELIVRD")}, "first");
  Batch b = MakeBatch({MakeDlr("b1", "DELIVRD"), MakeDlr("a1", "DELIVRD")}, "second");
  std::vector<BatchResult> results;
  Status s = f.store.Commit({&a, &b}, &results);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  BOOST_TEST_REQUIRE(results.size() == 2u);
  BOOST_TEST(results[0].stored == 2u);
  BOOST_TEST(results[0].duplicates == 0u);
  BOOST_TEST(results[1].stored == 1u);
  BOOST_TEST(results[1].duplicates == 1u);
  Db db(f.path);
  BOOST_TEST(db.One("SELECT webhook FROM dlr_events WHERE id = 'a2'") == "first");
  BOOST_TEST(db.One("SELECT webhook FROM dlr_events WHERE id = 'b1'") == "second");
}

BOOST_AUTO_TEST_CASE(CommitOfNothingSucceeds) {
  Fixture f;
  std::vector<BatchResult> results{BatchResult{7, 7}};
  Status s = f.store.Commit({}, &results);
  BOOST_TEST(s.ok(), s.ToString());
  BOOST_TEST(results.empty());
  Batch empty = MakeBatch({});
  BatchResult r = MustStore(f.store, empty);
  BOOST_TEST(r.stored == 0u);
  BOOST_TEST(r.duplicates == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SqliteStoreMessagesTest)

BOOST_AUTO_TEST_CASE(FinalIsNotReplacedByPending) {
  Fixture f;
  MustStore(f.store, MakeBatch({MakeDlr("m", "DELIVRD", "2021-04-09 16:27:51")}));
  MustStore(f.store, MakeBatch({MakeDlr("m", "AWAITING-DLR", "2021-04-09 18:00:00")}));
  Db db(f.path);
  std::vector<std::string> want = {"DELIVRD", "1", "1", "2021-04-09 16:27:51"};
  BOOST_TEST(MessageRow(db, "m") == want, boost::test_tools::per_element());
  BOOST_TEST(db.Count("dlr_events") == 2);  // the event itself is kept
}

BOOST_AUTO_TEST_CASE(PendingIsReplacedByFinal) {
  Fixture f;
  MustStore(f.store, MakeBatch({MakeDlr("m", "AWAITING-DLR", "2021-04-09 18:00:00")}));
  Db db(f.path);
  std::vector<std::string> pending = {"AWAITING-DLR", "0", "0", "2021-04-09 18:00:00"};
  BOOST_TEST(MessageRow(db, "m") == pending, boost::test_tools::per_element());
  MustStore(f.store, MakeBatch({MakeDlr("m", "EXPIRED", "2021-04-09 17:00:00")}));
  std::vector<std::string> want = {"EXPIRED", "1", "0", "2021-04-09 17:00:00"};
  BOOST_TEST(MessageRow(db, "m") == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(LaterFinalWins) {
  Fixture f;
  MustStore(f.store, MakeBatch({MakeDlr("m", "UNDELIV", "2021-04-09 16:00:00")}));
  MustStore(f.store, MakeBatch({MakeDlr("m", "DELIVRD", "2021-04-09 17:00:00")}));
  Db db(f.path);
  std::vector<std::string> want = {"DELIVRD", "1", "1", "2021-04-09 17:00:00"};
  BOOST_TEST(MessageRow(db, "m") == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(EarlierFinalDoesNotWin) {
  Fixture f;
  MustStore(f.store, MakeBatch({MakeDlr("m", "DELIVRD", "2021-04-09 17:00:00")}));
  MustStore(f.store, MakeBatch({MakeDlr("m", "UNDELIV", "2021-04-09 16:00:00")}));
  Db db(f.path);
  std::vector<std::string> want = {"DELIVRD", "1", "1", "2021-04-09 17:00:00"};
  BOOST_TEST(MessageRow(db, "m") == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(OrderWithinOneBatchFollowsTheSameRules) {
  Fixture f;
  MustStore(f.store, MakeBatch({MakeDlr("m", "DELIVRD", "2021-04-09 17:00:00"),
                                MakeDlr("m", "AWAITING-DLR", "2021-04-09 18:00:00"),
                                MakeDlr("m", "UNDELIV", "2021-04-09 16:00:00")}));
  Db db(f.path);
  BOOST_TEST(MessageRow(db, "m")[0] == "DELIVRD");
  BOOST_TEST(db.Count("dlr_events") == 3);
}

BOOST_AUTO_TEST_CASE(IdsDifferingInCaseAreDifferentMessages) {
  Fixture f;
  MustStore(f.store, MakeBatch({MakeDlr("abc", "DELIVRD"), MakeDlr("ABC", "UNDELIV")}));
  Db db(f.path);
  BOOST_TEST(MessageRow(db, "abc")[0] == "DELIVRD");
  BOOST_TEST(MessageRow(db, "ABC")[0] == "UNDELIV");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SqliteStoreFailureTest)

BOOST_AUTO_TEST_CASE(AFailingEventRollsBackTheWholeCommit) {
  Fixture f;
  {
    Db db(f.path);
    db.MustExec(
        "CREATE TRIGGER fail_boom BEFORE INSERT ON dlr_events WHEN NEW.id = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  Batch first = MakeBatch({MakeDlr("ok-1", "DELIVRD")}, "first");
  Batch second = MakeBatch(
      {MakeDlr("ok-2", "DELIVRD"), MakeDlr("boom", "DELIVRD"), MakeDlr("ok-3", "DELIVRD")},
      "second");
  std::vector<BatchResult> results;
  Status s = f.store.Commit({&first, &second}, &results);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("injected failure") != std::string::npos, s.ToString());
  BOOST_TEST_REQUIRE(results.size() == 2u);
  BOOST_TEST(results[0].stored == 0u);  // nothing acknowledged
  BOOST_TEST(results[1].stored == 0u);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 0);
  BOOST_TEST(db.Count("dlr_messages") == 0);

  // The same store goes on working.
  BatchResult r = MustStore(f.store, MakeBatch({MakeDlr("ok-1", "DELIVRD")}));
  BOOST_TEST(r.stored == 1u);
  BOOST_TEST(db.Count("dlr_events") == 1);
}

BOOST_AUTO_TEST_CASE(AFailingMessageUpdateRollsBackItsEvents) {
  Fixture f;
  {
    Db db(f.path);
    db.MustExec(
        "CREATE TRIGGER fail_msg BEFORE INSERT ON dlr_messages WHEN NEW.id = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  StatusOr<BatchResult> r =
      f.store.StoreBatch(MakeBatch({MakeDlr("ok", "DELIVRD"), MakeDlr("boom", "DELIVRD")}));
  BOOST_TEST(!r.ok());
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 0);
  BOOST_TEST(db.Count("dlr_messages") == 0);
}

BOOST_AUTO_TEST_CASE(LockedDatabaseIsUnavailableThenRecovers) {
  TempDir dir{"sqlite_test"};
  const std::string path = dir.File("dlr.sqlite");
  SqliteStore store(path, Options(150));
  BOOST_TEST_REQUIRE(store.EnsureSchema().ok());
  Db locker(path);
  locker.MustExec("BEGIN IMMEDIATE");  // holds the write lock

  auto start = std::chrono::steady_clock::now();
  StatusOr<BatchResult> r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  auto waited = std::chrono::steady_clock::now() - start;
  BOOST_TEST(r.status().code() == StatusCode::kUnavailable, r.status().ToString());
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() >= 100);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() < 3000);
  Rejected rej;
  rej.raw = "x";
  BOOST_TEST(store.RecordRejected(rej).code() == StatusCode::kUnavailable);

  locker.MustExec("ROLLBACK");
  Db db(path);
  BOOST_TEST(db.Count("dlr_events") == 0);
  BOOST_TEST(db.Count("dlr_rejected") == 0);

  // The same store object, without a restart.
  r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().stored == 1u);
  BOOST_TEST(store.RecordRejected(rej).ok());
  BOOST_TEST(db.Count("dlr_events") == 1);
  BOOST_TEST(db.Count("dlr_rejected") == 1);
}

BOOST_AUTO_TEST_CASE(LockHeldBeforeFirstUseIsUnavailableThenRecovers) {
  TempDir dir{"sqlite_test"};
  const std::string path = dir.File("dlr.sqlite");
  {
    SqliteStore creator(path, Options());
    BOOST_TEST_REQUIRE(creator.EnsureSchema().ok());
  }
  Db locker(path);
  locker.MustExec("BEGIN IMMEDIATE");
  SqliteStore store(path, Options(100));  // connects while the lock is held
  StatusOr<BatchResult> r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST(r.status().code() == StatusCode::kUnavailable, r.status().ToString());
  locker.MustExec("COMMIT");
  r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST(r.ok(), r.status().ToString());
}

BOOST_AUTO_TEST_CASE(DatabaseInAMissingDirectoryIsUnavailableThenRecovers) {
  TempDir dir{"sqlite_test"};
  const std::string sub = dir.File("not-yet");
  SqliteStore store(sub + "/dlr.sqlite", Options());
  Status s = store.EnsureSchema();
  BOOST_TEST(s.code() == StatusCode::kUnavailable, s.ToString());
  StatusOr<BatchResult> r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST(r.status().code() == StatusCode::kUnavailable, r.status().ToString());
  Rejected rej;
  rej.raw = "x";
  BOOST_TEST(store.RecordRejected(rej).code() == StatusCode::kUnavailable);

  // The operator creates the directory: the same store works.
  BOOST_TEST_REQUIRE(std::filesystem::create_directory(sub));
  r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r.value().stored == 1u);
}

BOOST_AUTO_TEST_CASE(AnEventWithoutIdOrStatusFailsTheWholeCommit) {
  Fixture f;
  Dlr no_status;
  no_status.Set(Field::kId, "x");
  no_status.raw = "{}";
  Dlr no_id;
  no_id.Set(Field::kStatus, "DELIVRD");
  no_id.raw = "{}";
  for (const Dlr& bad : {no_status, no_id}) {
    StatusOr<BatchResult> r = f.store.StoreBatch(MakeBatch({MakeDlr("good", "DELIVRD"), bad}));
    BOOST_TEST(!r.ok());
  }
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 0);
  BOOST_TEST(db.Count("dlr_messages") == 0);
}

BOOST_AUTO_TEST_CASE(AFileThatIsNotADatabaseFails) {
  TempDir dir{"sqlite_test"};
  const std::string path = dir.File("dlr.sqlite");
  {
    std::FILE* fp = std::fopen(path.c_str(), "wb");
    BOOST_TEST_REQUIRE(fp != nullptr);
    std::string junk(8192, 'x');
    std::fwrite(junk.data(), 1, junk.size(), fp);
    std::fclose(fp);
  }
  SqliteStore store(path, Options());
  StatusOr<BatchResult> r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST(!r.ok());
}

BOOST_AUTO_TEST_CASE(TwoStoresOnOneFileShareTheirEvents) {
  Fixture f;
  SqliteStore other(f.path, Options());
  BOOST_TEST(MustStore(f.store, MakeBatch({MakeDlr("a", "DELIVRD")})).stored == 1u);
  BatchResult r = MustStore(other, MakeBatch({MakeDlr("a", "DELIVRD"), MakeDlr("b", "DELIVRD")}));
  BOOST_TEST(r.stored == 1u);
  BOOST_TEST(r.duplicates == 1u);
  r = MustStore(f.store, MakeBatch({MakeDlr("b", "DELIVRD")}));
  BOOST_TEST(r.duplicates == 1u);
}

// The group commit's turn without the commit queue: while one store holds
// it, another store on the same file waits (and gives up with Unavailable);
// the holder's own writes do not wait for the lock it already holds.
BOOST_AUTO_TEST_CASE(ATurnOrdersTheWritersOfOneFile) {
  Fixture f;
  StoreOptions alone = Options(100);
  alone.shared_commit = false;
  SqliteStore first(f.path, alone);
  SqliteStore other(f.path, alone);
  BOOST_TEST_REQUIRE(other.EnsureSchema().ok());
  BOOST_TEST_REQUIRE(first.BeginTurn().ok());
  BOOST_TEST(MustStore(first, MakeBatch({MakeDlr("a", "DELIVRD")})).stored == 1u);
  Rejected rej;
  rej.raw = "x";
  BOOST_TEST(first.RecordRejected(rej).ok());
  StatusOr<BatchResult> r = other.StoreBatch(MakeBatch({MakeDlr("b", "DELIVRD")}));
  BOOST_TEST((r.status().code() == StatusCode::kUnavailable), r.status().ToString());
  BOOST_TEST((other.BeginTurn().code() == StatusCode::kUnavailable));
  first.EndTurn();
  BOOST_TEST(other.BeginTurn().ok());
  BOOST_TEST(MustStore(other, MakeBatch({MakeDlr("b", "DELIVRD")})).stored == 1u);
  other.EndTurn();
  BOOST_TEST(MustStore(first, MakeBatch({MakeDlr("c", "DELIVRD")})).stored == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// Stores on one file standing for the processes of spawn-fcgi -F N: the test
// holds the writers' lock (as a process in the middle of a commit would)
// while they queue, then lets go.
BOOST_AUTO_TEST_SUITE(SqliteSharedCommitTest)

struct Shared : Fixture {
  std::unique_ptr<WriterLock> lock;
  std::unique_ptr<CommitQueue> queue;
  Shared() {
    StatusOr<std::unique_ptr<WriterLock>> l = WriterLock::Open(WriterLock::PathFor(path), path);
    BOOST_TEST_REQUIRE(l.ok());
    lock = std::move(l).value();
    StatusOr<std::unique_ptr<CommitQueue>> q = CommitQueue::Open(WriterLock::PathFor(path), path);
    BOOST_TEST_REQUIRE(q.ok());
    queue = std::move(q).value();
  }
  // Waits until `n` slots are published (the writers are waiting for the lock).
  void AwaitPublished(size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (queue->Published() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    BOOST_TEST_REQUIRE(queue->Published() == n);
  }
};

// Each store runs StoreBatch on a thread of its own; the results, by store.
struct Writers {
  std::vector<std::optional<StatusOr<BatchResult>>> results;
  std::vector<std::thread> threads;
  void Start(StoreWriter* store, Batch batch) {
    size_t i = results.size();
    results.emplace_back();
    threads.emplace_back([this, store, i, batch] { results[i].emplace(store->StoreBatch(batch)); });
  }
  void Join() {
    for (std::thread& t : threads) t.join();
  }
};

BOOST_AUTO_TEST_CASE(WritersThatFindTheLockTakenShareOneCommit) {
  Shared f;
  SqliteStore a(f.path, Options());
  SqliteStore b(f.path, Options());
  SqliteStore c(f.path, Options());
  BOOST_TEST_REQUIRE(f.lock->Lock(1000).ok());
  Writers w;
  w.results.reserve(3);
  w.Start(&a, MakeBatch({MakeDlr("a", "DELIVRD")}));
  w.Start(&b, MakeBatch({MakeDlr("b1", "DELIVRD"), MakeDlr("b2", "EXPIRED")}, "other"));
  w.Start(&c, MakeBatch({MakeDlr("a", "DELIVRD")}));  // a duplicate of a's
  f.AwaitPublished(3);
  f.lock->Unlock();
  w.Join();
  size_t stored = 0, duplicates = 0;
  for (auto& r : w.results) {
    BOOST_TEST_REQUIRE(r->ok(), r->status().ToString());
    stored += r->value().stored;
    duplicates += r->value().duplicates;
  }
  BOOST_TEST(w.results[1]->value().stored == 2u);
  BOOST_TEST(stored == 3u);
  BOOST_TEST(duplicates == 1u);
  // One of them led one transaction holding the other two's slots.
  SqliteStore::SharedStats sa = a.shared_stats(), sb = b.shared_stats(), sc = c.shared_stats();
  BOOST_TEST(sa.led + sb.led + sc.led == 1u);
  BOOST_TEST(sa.joined + sb.joined + sc.joined == 2u);
  BOOST_TEST(sa.slots_taken + sb.slots_taken + sc.slots_taken == 2u);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 3);
  BOOST_TEST(db.One("SELECT webhook FROM dlr_events WHERE id = 'b2'") == "other");
  BOOST_TEST(f.queue->Published() == 0u);
}

// A failure that is not transient may be one sender's: each is then
// committed on its own, and only the bad one fails.
BOOST_AUTO_TEST_CASE(OneBadBatchFailsOnlyItsSender) {
  Shared f;
  SqliteStore a(f.path, Options());
  SqliteStore b(f.path, Options());
  Dlr no_status = MakeDlr("bad", "DELIVRD");
  no_status.values[static_cast<size_t>(Field::kStatus)].reset();  // NOT NULL refuses it
  BOOST_TEST_REQUIRE(f.lock->Lock(1000).ok());
  Writers w;
  w.results.reserve(2);
  w.Start(&a, MakeBatch({MakeDlr("ok1", "DELIVRD"), no_status}));
  w.Start(&b, MakeBatch({MakeDlr("ok2", "DELIVRD")}));
  f.AwaitPublished(2);
  f.lock->Unlock();
  w.Join();
  BOOST_TEST((w.results[0]->status().code() == StatusCode::kInternal),
             w.results[0]->status().ToString());
  BOOST_TEST_REQUIRE(w.results[1]->ok(), w.results[1]->status().ToString());
  BOOST_TEST(w.results[1]->value().stored == 1u);
  Db db(f.path);
  BOOST_TEST(db.One("SELECT group_concat(id) FROM dlr_events") == "ok2");
}

// A writer that gives up waiting (Unavailable: 503) withdraws its batches:
// the next commit does not store them.
BOOST_AUTO_TEST_CASE(AWriterThatGivesUpHasNothingStored) {
  Shared f;
  SqliteStore a(f.path, Options(200));
  SqliteStore b(f.path, Options());
  BOOST_TEST_REQUIRE(a.EnsureSchema().ok());
  BOOST_TEST_REQUIRE(f.lock->Lock(1000).ok());
  StatusOr<BatchResult> r = a.StoreBatch(MakeBatch({MakeDlr("late", "DELIVRD")}));
  BOOST_TEST((r.status().code() == StatusCode::kUnavailable), r.status().ToString());
  BOOST_TEST(f.queue->Published() == 0u);
  f.lock->Unlock();
  BOOST_TEST(MustStore(b, MakeBatch({MakeDlr("b", "DELIVRD")})).stored == 1u);
  BOOST_TEST(b.shared_stats().slots_taken == 0u);
  Db db(f.path);
  BOOST_TEST(db.One("SELECT group_concat(id) FROM dlr_events") == "b");
  // And it stores once the lock is free.
  BOOST_TEST(MustStore(a, MakeBatch({MakeDlr("late", "DELIVRD")})).stored == 1u);
}

// The group commit's turn (a multi-threaded responder) waits for the lock
// without publishing; its commit then takes what others published (a CGI
// request, one thread) along with its own.
BOOST_AUTO_TEST_CASE(ACommitInTheTurnTakesWhatOthersPublished) {
  Shared f;
  SqliteStore cgi(f.path, Options());
  BOOST_TEST_REQUIRE(f.store.BeginTurn().ok());
  Writers w;
  w.results.reserve(1);
  w.Start(&cgi, MakeBatch({MakeDlr("cgi", "DELIVRD")}));
  f.AwaitPublished(1);
  BOOST_TEST(MustStore(f.store, MakeBatch({MakeDlr("turn", "DELIVRD")})).stored == 1u);
  f.store.EndTurn();
  w.Join();
  BOOST_TEST_REQUIRE(w.results[0]->ok(), w.results[0]->status().ToString());
  BOOST_TEST(w.results[0]->value().stored == 1u);
  BOOST_TEST(cgi.shared_stats().joined == 1u);
  BOOST_TEST(f.store.shared_stats().slots_taken == 1u);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 2);
}

// A group commit handed one caller at a time (mod_fcgid) publishes, after its
// first group, as a one-thread process does, and shares one transaction with it.
BOOST_AUTO_TEST_CASE(AGroupCommitOfOneCallerSharesTheCommitOfOtherProcesses) {
  Shared f;
  auto backend = std::make_unique<SqliteStore>(f.path, Options());
  SqliteStore* grouped = backend.get();
  GroupCommitStore group(std::move(backend));
  SqliteStore cgi(f.path, Options());
  MustStore(group, MakeBatch({MakeDlr("first", "DELIVRD")}));  // a group of one, in a turn
  BOOST_TEST_REQUIRE(f.lock->Lock(1000).ok());
  Writers w;
  w.results.reserve(2);
  w.Start(&group, MakeBatch({MakeDlr("group", "DELIVRD")}));
  w.Start(&cgi, MakeBatch({MakeDlr("cgi", "DELIVRD")}));
  f.AwaitPublished(2);
  f.lock->Unlock();
  w.Join();
  for (auto& r : w.results) {
    BOOST_TEST_REQUIRE(r->ok(), r->status().ToString());
    BOOST_TEST(r->value().stored == 1u);
  }
  SqliteStore::SharedStats sg = grouped->shared_stats(), sc = cgi.shared_stats();
  BOOST_TEST(sg.led + sc.led == 2u);  // the first group's, and the shared one
  BOOST_TEST(sg.joined + sc.joined == 1u);
  BOOST_TEST(sg.slots_taken + sc.slots_taken == 1u);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 3);
}

// A writer whose slot a leader finished returns its outcome at once, while
// the lock is still held (by the next writer, say): it does not wait for the
// lock to read it. The test is the leader here, as a process would be.
BOOST_AUTO_TEST_CASE(AWriterReturnsItsOutcomeWithoutWaitingForTheLock) {
  Shared f;
  SqliteStore a(f.path, Options(20000));
  BOOST_TEST_REQUIRE(a.EnsureSchema().ok());
  BOOST_TEST_REQUIRE(f.lock->Lock(1000).ok());
  Writers w;
  w.results.reserve(1);
  w.Start(&a, MakeBatch({MakeDlr("a", "DELIVRD")}));
  f.AwaitPublished(1);
  std::vector<CommitQueue::Taken> taken = f.queue->TakePending();
  BOOST_TEST_REQUIRE(taken.size() == 1u);
  StatusOr<std::vector<Batch>> batches = DecodeBatches(taken[0].bytes);
  BOOST_TEST_REQUIRE(batches.ok());
  BOOST_TEST_REQUIRE(batches.value().size() == 1u);
  BOOST_TEST(*batches.value()[0].dlrs[0].Get(Field::kId) == "a");
  // The outcome says stored 0, duplicates 1: what a would not find alone.
  CommitOutcome outcome{Status::Ok(), {BatchResult{0, 1}}};
  std::string bytes;
  EncodeOutcome(outcome, &bytes);
  f.queue->Finish(taken[0].slot, bytes);
  auto start = std::chrono::steady_clock::now();
  w.Join();  // the lock is still held
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(10)));
  f.lock->Unlock();
  BOOST_TEST_REQUIRE(w.results[0]->ok(), w.results[0]->status().ToString());
  BOOST_TEST(w.results[0]->value().stored == 0u);
  BOOST_TEST(w.results[0]->value().duplicates == 1u);
  BOOST_TEST(a.shared_stats().joined == 1u);
  BOOST_TEST(a.shared_stats().led == 0u);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 0);
}

// One process alone never publishes: the lock is free, it commits at once.
BOOST_AUTO_TEST_CASE(AWriterAloneCommitsWithoutTheQueue) {
  Shared f;
  for (int i = 0; i < 3; ++i) {
    MustStore(f.store, MakeBatch({MakeDlr("id" + std::to_string(i), "DELIVRD")}));
  }
  BOOST_TEST(f.store.shared_stats().led == 3u);
  BOOST_TEST(f.store.shared_stats().joined == 0u);
  BOOST_TEST(f.store.shared_stats().slots_taken == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// One request per process (CGI): the store opens under the writers' file's
// openers' lock, and checkpoints only while no process is opening.
BOOST_AUTO_TEST_SUITE(SqliteOneRequestTest)

StoreOptions OneRequest(int busy_timeout_ms = 5000) {
  StoreOptions o = Options(busy_timeout_ms);
  o.one_request_per_process = true;
  return o;
}

long WalBytes(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path + "-wal", ec);
  return ec ? -1 : static_cast<long>(n);
}

BOOST_AUTO_TEST_CASE(OpeningWaitsForTheOpenersLock) {
  SqliteSharedCommitTest::Shared f;
  BOOST_TEST_REQUIRE(f.lock->LockOpeners(0).ok());
  SqliteStore cgi(f.path, OneRequest(100));
  StatusOr<BatchResult> r = cgi.StoreBatch(MakeBatch({MakeDlr("o1", "DELIVRD")}));
  BOOST_TEST((r.status().code() == StatusCode::kUnavailable), r.status().ToString());
  BOOST_TEST(r.status().message().find("opening") != std::string::npos, r.status().ToString());
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == 0);
  // Another process's writes do not wait for it.
  MustStore(f.store, MakeBatch({MakeDlr("o2", "DELIVRD")}));
  f.lock->UnlockOpeners();
  BOOST_TEST(MustStore(cgi, MakeBatch({MakeDlr("o1", "DELIVRD")})).stored == 1u);
  BOOST_TEST(db.Count("dlr_events") == 2);
}

BOOST_AUTO_TEST_CASE(ACheckpointWaitsUntilNoProcessIsOpening) {
  SqliteSharedCommitTest::Shared f;
  SqliteStore cgi(f.path, OneRequest());
  MustStore(cgi, MakeBatch({MakeDlr("c0", "DELIVRD")}));  // opened
  BOOST_TEST_REQUIRE(f.lock->LockOpeners(0).ok());
  // Past kOneShotCheckpointFrames frames, and one more commit: the WAL stays.
  const long full = static_cast<long>(kOneShotCheckpointFrames) * (4096 + 24);
  int i = 1;
  for (; i < 400 && WalBytes(f.path) < full; ++i) {
    MustStore(cgi, MakeBatch({MakeDlr("c" + std::to_string(i), "DELIVRD")}));
  }
  BOOST_TEST_REQUIRE(WalBytes(f.path) >= full);
  MustStore(cgi, MakeBatch({MakeDlr("c" + std::to_string(i++), "DELIVRD")}));
  BOOST_TEST(WalBytes(f.path) >= full);
  // No one opening: the next commit checkpoints and truncates it.
  f.lock->UnlockOpeners();
  MustStore(cgi, MakeBatch({MakeDlr("c" + std::to_string(i++), "DELIVRD")}));
  BOOST_TEST(WalBytes(f.path) == 0);
  Db db(f.path);
  BOOST_TEST(db.Count("dlr_events") == i);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SqliteStoreRejectedTest)

BOOST_AUTO_TEST_CASE(KeepsEveryColumnAndTheRawBytes) {
  Fixture f;
  Rejected r;
  r.received_at = kReceivedAt;
  r.webhook = "sms";
  r.remote_addr = "203.0.113.7";
  r.http_status = 400;
  r.error = "bad_request";
  r.reason = "the body is not valid JSON";
  r.content_type = "application/json";
  r.raw = std::string("{\"id\":\0\xff\xfe garbage\r\n", 19);
  BOOST_TEST_REQUIRE(f.store.RecordRejected(r).ok());
  r.http_status = 422;
  r.error = "invalid_dlr";
  r.raw = "";
  BOOST_TEST_REQUIRE(f.store.RecordRejected(r).ok());
  Db db(f.path);
  auto rows = db.Query(
      "SELECT received_at, webhook, remote_addr, http_status, error, reason, content_type, raw, "
      "length(raw) FROM dlr_rejected ORDER BY seq");
  BOOST_TEST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0][0] == kReceivedAt);
  BOOST_TEST(rows[0][1] == "sms");
  BOOST_TEST(rows[0][2] == "203.0.113.7");
  BOOST_TEST(rows[0][3] == "400");
  BOOST_TEST(rows[0][4] == "bad_request");
  BOOST_TEST(rows[0][5] == "the body is not valid JSON");
  BOOST_TEST(rows[0][6] == "application/json");
  BOOST_TEST(rows[0][7] == std::string("{\"id\":\0\xff\xfe garbage\r\n", 19));
  BOOST_TEST(rows[0][8] == "19");
  BOOST_TEST(rows[1][3] == "422");
  BOOST_TEST(rows[1][7] == "");
  BOOST_TEST(db.Count("dlr_events") == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(OpenStoreTest)

BOOST_AUTO_TEST_CASE(APathOrASqliteUrlOpensSqlite) {
  TempDir dir{"sqlite_test"};
  for (const std::string& db : {dir.File("a.sqlite"), "sqlite://" + dir.File("b.sqlite")}) {
    BOOST_TEST_CONTEXT("database " << db) {
      StatusOr<std::unique_ptr<Store>> s = OpenStore(db, Options());
      BOOST_TEST_REQUIRE(s.ok(), s.status().ToString());
      BOOST_TEST(MustStore(*s.value(), MakeBatch({MakeDlr("a", "DELIVRD")})).stored == 1u);
    }
  }
  Db a(dir.File("a.sqlite"));
  BOOST_TEST(a.Count("dlr_events") == 1);
  Db b(dir.File("b.sqlite"));
  BOOST_TEST(b.Count("dlr_events") == 1);
}

BOOST_AUTO_TEST_CASE(DoesNotConnectYet) {
  TempDir dir{"sqlite_test"};
  StatusOr<std::unique_ptr<Store>> s = OpenStore(dir.File("missing/dir/dlr.sqlite"), Options());
  BOOST_TEST(s.ok(), s.status().ToString());
}

BOOST_AUTO_TEST_CASE(UnknownSchemesAreInvalidArgumentWithoutThePassword) {
  for (const char* db : {"redis://dlr:Pa55word@db/0", "ftp://dlr:Pa55word@db/x"}) {
    BOOST_TEST_CONTEXT("database " << db) {
      StatusOr<std::unique_ptr<Store>> s = OpenStore(db, Options());
      BOOST_TEST_REQUIRE(!s.ok());
      BOOST_TEST(s.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(s.status().message().find("Pa55word") == std::string::npos, s.status().message());
    }
  }
}

// A store that claims success but returns no result.
class NoResultStore : public StoreWriter {
 public:
  Status EnsureSchema() override { return Status::Ok(); }
  Status Commit(const std::vector<const Batch*>&, std::vector<BatchResult>* results) override {
    results->clear();
    return Status::Ok();
  }
  Status RecordRejected(const Rejected&) override { return Status::Ok(); }
};

BOOST_AUTO_TEST_CASE(StoreBatchRefusesAMissingResult) {
  NoResultStore store;
  StatusOr<BatchResult> r = store.StoreBatch(MakeBatch({MakeDlr("a", "DELIVRD")}));
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().code() == StatusCode::kInternal);
}

BOOST_AUTO_TEST_SUITE_END()

// The fake the handler tests use must behave like this backend.
BOOST_AUTO_TEST_SUITE(MemoryStoreAgreesWithSqliteTest)

struct EventRow {
  std::string id, status, deliv_time, webhook, raw;
  bool operator==(const EventRow& o) const {
    return id == o.id && status == o.status && deliv_time == o.deliv_time && webhook == o.webhook &&
           raw == o.raw;
  }
};

std::ostream& operator<<(std::ostream& os, const EventRow& e) {
  return os << e.id << "|" << e.status << "|" << e.deliv_time << "|" << e.webhook;
}

BOOST_AUTO_TEST_CASE(SameResultsEventsAndMessages) {
  Fixture f;
  test::MemoryStore memory;
  auto with = [](Dlr d, Field field, const std::string& v) {
    d.Set(field, v);
    return d;
  };
  const std::vector<std::vector<Batch>> commits = {
      {MakeBatch({MakeDlr("m1", "AWAITING-DLR", "2021-04-09 10:00:00"),
                  with(MakeDlr("m2", "DELIVRD", "2021-04-09 10:00:00"), Field::kSentTime, "s2")})},
      {MakeBatch({MakeDlr("m1", "AWAITING-DLR", "2021-04-09 10:00:00"),  // duplicate
                  MakeDlr("m1", "UNDELIV", "2021-04-09 11:00:00"),
                  MakeDlr("m1", "AWAITING-DLR", "2021-04-09 12:00:00"),
                  MakeDlr("m2", "EXPIRED", "2021-04-09 09:00:00")},
                 "a"),
       MakeBatch({MakeDlr("m1", "DELIVRD", "2021-04-09 13:00:00"), MakeDlr("m3", "DELIVRD"),
                  MakeDlr("m3", "DELIVRD", "")},
                 "b")},
      {MakeBatch({MakeDlr("m3", "UNDELIV", "2021-04-09 08:00:00"), MakeDlr("M1", "AWAITING-DLR"),
                  MakeDlr("M1", "AWAITING-DLR"), MakeDlr("M1", "EXPIRED")})},
  };
  for (size_t c = 0; c < commits.size(); ++c) {
    std::vector<const Batch*> batches;
    for (const Batch& b : commits[c]) batches.push_back(&b);
    std::vector<BatchResult> want, got;
    BOOST_TEST_REQUIRE(f.store.Commit(batches, &want).ok());
    BOOST_TEST_REQUIRE(memory.Commit(batches, &got).ok());
    BOOST_TEST_REQUIRE(want.size() == got.size());
    for (size_t i = 0; i < want.size(); ++i) {
      BOOST_TEST_CONTEXT("commit " << c << " batch " << i) {
        BOOST_TEST(got[i].stored == want[i].stored);
        BOOST_TEST(got[i].duplicates == want[i].duplicates);
      }
    }
  }

  Db db(f.path);
  std::vector<EventRow> sql_events, mem_events;
  for (const auto& r : db.Query("SELECT id, status, coalesce(deliv_time, '(null)'), webhook, raw "
                                "FROM dlr_events ORDER BY seq")) {
    sql_events.push_back({r[0], r[1], r[2], r[3], r[4]});
  }
  for (const test::StoredEvent& e : memory.events()) {
    mem_events.push_back({*e.dlr.Get(Field::kId), *e.dlr.Get(Field::kStatus),
                          e.dlr.Get(Field::kDelivTime).value_or(kNull), e.webhook, e.dlr.raw});
  }
  BOOST_TEST(mem_events == sql_events, boost::test_tools::per_element());

  auto rows = db.Query(
      "SELECT id, webhook, status, final, delivered, coalesce(deliv_time, '(null)'), "
      "coalesce(sent_time, '(null)') FROM dlr_messages ORDER BY id");
  BOOST_TEST_REQUIRE(rows.size() == memory.messages().size());
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT("message " << r[0]) {
      const test::StoredMessage* m = memory.message(r[0]);
      BOOST_TEST_REQUIRE(m != nullptr);
      BOOST_TEST(m->webhook == r[1]);
      BOOST_TEST(m->status == r[2]);
      BOOST_TEST((m->final ? "1" : "0") == r[3]);
      BOOST_TEST((m->delivered ? "1" : "0") == r[4]);
      BOOST_TEST(m->deliv_time.value_or(kNull) == r[5]);
      BOOST_TEST(m->sent_time.value_or(kNull) == r[6]);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
