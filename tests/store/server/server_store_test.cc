#include "common/store/server/server_store.h"

#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <deque>
#include <string>
#include <vector>

namespace dlr {
namespace {

// A ServerStore whose server is a few counters: it records what the base
// asks of its backend, and fails the attempts it is told to.
class FakeServer : public ServerStore {
 public:
  ~FakeServer() override { Disconnect(); }

  // The database.
  int version = kSchemaVersion;  // in dlr_schema
  int version_after_lock = -1;   // >= 0: another process migrated to it meanwhile
  std::vector<int> applied;      // ApplyMigration's versions, in order
  std::vector<std::string> statements;
  bool reachable = true;
  // What CommitOnce and InsertRejected are to fail with, attempt by attempt.
  std::deque<FailureKind> failures;

  // What was asked.
  int opens = 0;
  int closes = 0;
  int reads = 0;
  int prepares = 0;
  int locks = 0;
  int unlocks = 0;
  bool kept = false;
  int attempts = 0;

  Status OpenSession() override {
    ++opens;
    if (!reachable) return Status::Unavailable("cannot connect to " + Where());
    connected_ = true;
    return Status::Ok();
  }
  void CloseConnection() override {
    if (connected_) ++closes;
    connected_ = false;
  }
  Status RunStatement(const char* sql) override {
    statements.push_back(sql);
    return Status::Ok();
  }
  Status ReadSchemaVersion(int* v) override {
    BOOST_TEST(connected_);
    ++reads;
    *v = version;
    return Status::Ok();
  }
  Status LockSchema() override {
    ++locks;
    if (version_after_lock >= 0) version = version_after_lock;
    return Status::Ok();
  }
  Status ApplyMigration(int v) override {
    applied.push_back(v);
    version = v;
    return Status::Ok();
  }
  Status UnlockSchema(Status migrated, bool keep) override {
    ++unlocks;
    kept = keep;
    return migrated;
  }
  Status PrepareStatements() override {
    ++prepares;
    return Status::Ok();
  }
  Status CommitOnce(const std::vector<const Batch*>& batches,
                    std::vector<BatchResult>* results) override {
    results->assign(batches.size(), BatchResult{1, 0});
    return Attempt();
  }
  Status InsertRejected(const Rejected&) override { return Attempt(); }
  std::string Where() const override { return "Fake db"; }
  // The operator's primitives: not what these tests drive.
  Status QueryEach(const std::string&, const std::vector<std::string>&,
                   const RowCallback&) override {
    return Status::Internal("not used here");
  }
  StatusOr<int64_t> Execute(const std::string&, const std::vector<std::string>&) override {
    return Status::Internal("not used here");
  }
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

 private:
  Status Attempt() {
    BOOST_TEST(connected_);
    ++attempts;
    if (failures.empty()) return Status::Ok();
    FailureKind kind = failures.front();
    failures.pop_front();
    return Failure(kind, "Fake db: it failed", "too long");
  }

  bool connected_ = false;
};

Status CommitOne(Store& store, BatchResult* result) {
  Batch batch;
  batch.webhook = "sms";
  std::vector<BatchResult> results;
  Status s = store.Commit({&batch}, &results);
  BOOST_TEST(results.size() == 1u);
  if (!results.empty()) *result = results[0];
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ServerStoreTest)

BOOST_AUTO_TEST_CASE(ConnectsOnFirstUseAndChecksTheSchemaOncePerConnection) {
  FakeServer db;
  BOOST_TEST(db.opens == 0);
  BatchResult r;
  for (int i = 0; i < 3; ++i) BOOST_TEST(CommitOne(db, &r).ok());
  BOOST_TEST(r.stored == 1u);
  BOOST_TEST(db.opens == 1);
  BOOST_TEST(db.reads == 1);
  BOOST_TEST(db.prepares == 1);
  BOOST_TEST(db.locks == 0);
  BOOST_TEST(db.attempts == 3);
  BOOST_TEST(db.RecordRejected(Rejected()).ok());
  BOOST_TEST(db.opens == 1);
}

BOOST_AUTO_TEST_CASE(ALostConnectionIsReopenedAndTheWriteTriedAgain) {
  FakeServer db;
  db.failures = {FailureKind::kConnectionLost};
  BatchResult r;
  BOOST_TEST(CommitOne(db, &r).ok());
  BOOST_TEST(r.stored == 1u);
  BOOST_TEST(db.attempts == 2);
  BOOST_TEST(db.opens == 2);
  BOOST_TEST(db.closes == 1);
  BOOST_TEST(db.reads == 2);  // the new connection's schema check
  BOOST_TEST(db.prepares == 2);
}

BOOST_AUTO_TEST_CASE(ConflictsAreRetriedFourAttemptsInAll) {
  FakeServer db;
  db.failures.assign(5, FailureKind::kConflict);
  BatchResult r;
  Status s = CommitOne(db, &r);
  BOOST_TEST((s.code() == StatusCode::kUnavailable));
  BOOST_TEST(s.message() == "Fake db: it failed");
  BOOST_TEST(db.attempts == 4);
  BOOST_TEST(r.stored == 0u);  // nothing counted after a failure
  BOOST_TEST(db.opens == 1);   // the connection itself was fine

  db.attempts = 0;
  db.failures = {FailureKind::kConflict};
  BOOST_TEST(db.RecordRejected(Rejected()).ok());
  BOOST_TEST(db.attempts == 2);
}

BOOST_AUTO_TEST_CASE(OtherFailuresAreNotRetried) {
  struct Case {
    FailureKind kind;
    StatusCode code;
    std::string message;
    bool reopened;  // the next call opens a new connection
  };
  const Case cases[] = {
      {FailureKind::kBusy, StatusCode::kUnavailable, "Fake db: it failed", false},
      {FailureKind::kUnfitValue, StatusCode::kUnprocessable,
       "the database cannot hold a value of this request: too long", false},
      {FailureKind::kReconnect, StatusCode::kInternal, "Fake db: it failed", true},
      {FailureKind::kOther, StatusCode::kInternal, "Fake db: it failed", false},
  };
  for (const Case& c : cases) {
    FakeServer db;
    db.failures = {c.kind};
    BatchResult r;
    Status s = CommitOne(db, &r);
    BOOST_TEST((s.code() == c.code));
    BOOST_TEST(s.message() == c.message);
    BOOST_TEST(db.attempts == 1);
    BOOST_TEST(CommitOne(db, &r).ok());
    BOOST_TEST(db.opens == (c.reopened ? 2 : 1));
  }
}

BOOST_AUTO_TEST_CASE(AnUnreachableServerIsTriedAgainOnTheNextCall) {
  FakeServer db;
  db.reachable = false;
  BatchResult r;
  Status s = CommitOne(db, &r);
  BOOST_TEST((s.code() == StatusCode::kUnavailable));
  BOOST_TEST(s.message() == "cannot connect to Fake db");
  BOOST_TEST(db.attempts == 0);
  BOOST_TEST((db.Ping().status().code() == StatusCode::kUnavailable));
  db.reachable = true;
  BOOST_TEST(CommitOne(db, &r).ok());
  BOOST_TEST(db.opens == 3);
  BOOST_TEST(db.attempts == 1);
}

BOOST_AUTO_TEST_CASE(MigratesAnOlderSchemaInOrderUnderTheLock) {
  FakeServer db;
  db.version = 1;
  StatusOr<SchemaReport> report = db.Migrate();
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(report.value().before == 1);
  BOOST_TEST(report.value().after == kSchemaVersion);
  std::vector<int> want_applied;
  std::vector<std::string> want_recorded;
  for (int v = 2; v <= kSchemaVersion; ++v) {
    want_applied.push_back(v);
    want_recorded.push_back("INSERT INTO dlr_schema (version) VALUES (" + std::to_string(v) + ")");
  }
  BOOST_TEST(db.applied == want_applied, boost::test_tools::per_element());
  BOOST_TEST(db.statements == want_recorded, boost::test_tools::per_element());
  BOOST_TEST(db.locks == 1);
  BOOST_TEST(db.unlocks == 1);
  BOOST_TEST(db.kept);

  // Again: found up to date, on the same connection; nothing locked.
  report = db.Migrate();
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(report.value().before == kSchemaVersion);
  BOOST_TEST(db.locks == 1);
  BOOST_TEST(db.opens == 1);
}

BOOST_AUTO_TEST_CASE(AnotherProcessMayHaveMigratedWhileWeWaitedForTheLock) {
  FakeServer db;
  db.version = 0;
  db.version_after_lock = kSchemaVersion;
  StatusOr<SchemaReport> report = db.Migrate();
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(report.value().before == kSchemaVersion);
  BOOST_TEST(db.applied.empty());
  BOOST_TEST(db.unlocks == 1);
}

BOOST_AUTO_TEST_CASE(ANewerSchemaIsRefusedAndCheckedAgainOnTheNextCall) {
  FakeServer db;
  db.version = kSchemaVersion + 1;
  BatchResult r;
  Status s = CommitOne(db, &r);
  BOOST_TEST((s.code() == StatusCode::kInternal));
  BOOST_TEST(s.message() == "the database schema (Fake db) is version " +
                                std::to_string(kSchemaVersion + 1) +
                                ", newer than this program knows (" +
                                std::to_string(kSchemaVersion) + "); upgrade dlr-webhook");
  BOOST_TEST(db.attempts == 0);
  BOOST_TEST(db.locks == 0);
  BOOST_TEST(db.closes == 1);

  // Made newer by another process while this one waited for the lock: the
  // lock is released without keeping anything.
  FakeServer raced;
  raced.version = 1;
  raced.version_after_lock = kSchemaVersion + 1;
  BOOST_TEST((raced.Migrate().status().code() == StatusCode::kInternal));
  BOOST_TEST(raced.applied.empty());
  BOOST_TEST(raced.unlocks == 1);
  BOOST_TEST(!raced.kept);

  db.version = kSchemaVersion;  // the program was upgraded... or the schema restored
  BOOST_TEST(CommitOne(db, &r).ok());
  BOOST_TEST(db.opens == 2);
}

BOOST_AUTO_TEST_CASE(PingReadsTheVersionWithoutCheckingTheSchema) {
  FakeServer db;
  db.version = 0;
  StatusOr<int> version = db.Ping();
  BOOST_REQUIRE(version.ok());
  BOOST_TEST(version.value() == 0);
  BOOST_TEST(db.locks == 0);
  BOOST_TEST(db.prepares == 0);
  // The connection is kept, and the next call checks (here: creates) the
  // schema on it.
  BatchResult r;
  BOOST_TEST(CommitOne(db, &r).ok());
  BOOST_TEST(db.opens == 1);
  BOOST_TEST(db.applied.size() == static_cast<size_t>(kSchemaVersion));
  BOOST_TEST(db.prepares == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
