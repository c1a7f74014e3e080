#include "common/store/group_commit.h"

#define BOOST_TEST_DYN_LINK
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/base/log.h"
#include "common/base/time.h"
#include "common/store/sqlite/sqlite_store.h"
#include "common/webhook/config.h"
#include "common/webhook/handler.h"
#include "tests/testing/concurrent_fake_store.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

Dlr MakeDlr(const std::string& id, const std::string& status = "DELIVRD") {
  Dlr d;
  d.Set(Field::kId, id);
  d.Set(Field::kStatus, status);
  d.raw = "{\"id\":\"" + id + "\"}";
  return d;
}

Batch MakeBatch(const std::vector<std::string>& ids) {
  Batch b;
  b.webhook = "sms";
  b.received_at = "2024-01-01T00:00:00.000Z";
  for (const std::string& id : ids) b.dlrs.push_back(MakeDlr(id));
  return b;
}

struct Outcome {
  Status status;
  BatchResult result;
};

Outcome CommitOne(StoreWriter& store, const Batch& batch) {
  StatusOr<BatchResult> r = store.StoreBatch(batch);
  Outcome o;
  o.status = r.ok() ? Status::Ok() : r.status();
  if (r.ok()) o.result = r.value();
  return o;
}

// A GroupCommitStore over a FakeStore it owns; `fake` stays valid while
// `store` lives.
struct Fixture {
  Fixture() {
    auto f = std::make_unique<FakeStore>();
    fake = f.get();
    store = std::make_unique<GroupCommitStore>(std::move(f));
  }
  FakeStore* fake;
  std::unique_ptr<GroupCommitStore> store;
};

// Waits (no deadline: a hang is a failure the test runner reports) until
// `n` calls are queued behind the one the fake store holds.
void WaitQueued(const GroupCommitStore& store, size_t n) {
  while (store.queued() < n) std::this_thread::yield();
}

// A FakeStore whose turn (another process writing the same database) is
// closed until OpenTurn(), or fails with `turn_failure`; it counts the
// Commit calls made outside a turn.
class TurnStore : public FakeStore {
 public:
  Status BeginTurn() override {
    std::unique_lock<std::mutex> lock(turn_mu_);
    waiting_for_turn_ = true;
    turn_cv_.notify_all();
    turn_cv_.wait(lock, [this] { return turn_open_; });
    waiting_for_turn_ = false;
    if (!turn_failure.ok()) return turn_failure;
    in_turn_ = true;
    ++turns;
    return Status::Ok();
  }
  void EndTurn() override {
    std::lock_guard<std::mutex> lock(turn_mu_);
    in_turn_ = false;
  }
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override {
    {
      std::lock_guard<std::mutex> lock(turn_mu_);
      if (!in_turn_) ++commits_outside_a_turn;
    }
    return FakeStore::Commit(batches, results);
  }
  void WaitUntilWaitingForTurn() {
    std::unique_lock<std::mutex> lock(turn_mu_);
    turn_cv_.wait(lock, [this] { return waiting_for_turn_; });
  }
  void OpenTurn() {
    std::lock_guard<std::mutex> lock(turn_mu_);
    turn_open_ = true;
    turn_cv_.notify_all();
  }

  Status turn_failure;  // set before threads run
  int turns = 0;
  int commits_outside_a_turn = 0;

 private:
  std::mutex turn_mu_;
  std::condition_variable turn_cv_;
  bool turn_open_ = false;
  bool waiting_for_turn_ = false;
  bool in_turn_ = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(GroupCommitStoreTest)

// Another process writing the same file: what queues while the writer waits
// for its turn joins the group, so one fsync serves them all.
BOOST_AUTO_TEST_CASE(CallersQueuedWhileWaitingForTheTurnShareOneTransaction) {
  auto owned = std::make_unique<TurnStore>();
  TurnStore* fake = owned.get();
  auto store = std::make_unique<GroupCommitStore>(std::move(owned));
  Outcome a, b, c;
  std::thread ta([&] { a = CommitOne(*store, MakeBatch({"a1"})); });
  fake->WaitUntilWaitingForTurn();
  std::thread tb([&] { b = CommitOne(*store, MakeBatch({"b1", "b2"})); });
  std::thread tc([&] { c = CommitOne(*store, MakeBatch({"c1", "a1"})); });
  WaitQueued(*store, 3);
  fake->OpenTurn();
  for (std::thread* t : {&ta, &tb, &tc}) t->join();
  BOOST_TEST(fake->CommitSizes() == std::vector<size_t>({3}), boost::test_tools::per_element());
  BOOST_TEST(fake->turns == 1);
  BOOST_TEST(fake->commits_outside_a_turn == 0);
  BOOST_TEST(a.status.ok());
  BOOST_TEST(a.result.stored == 1u);
  BOOST_TEST(b.result.stored == 2u);
  BOOST_TEST(c.result.stored == 1u);
  BOOST_TEST(c.result.duplicates == 1u);
  store.reset();
}

// A process handed one request at a time (mod_fcgid): after a group of one
// caller, a caller alone commits without a turn (its store then hands its
// batches to the writing process's transaction); callers that queue together
// take the turn again.
BOOST_AUTO_TEST_CASE(ACallerAloneAfterAGroupOfOneTakesNoTurn) {
  auto owned = std::make_unique<TurnStore>();
  TurnStore* fake = owned.get();
  fake->OpenTurn();
  auto store = std::make_unique<GroupCommitStore>(std::move(owned));
  BOOST_TEST(CommitOne(*store, MakeBatch({"a1"})).result.stored == 1u);
  BOOST_TEST(fake->turns == 1);
  BOOST_TEST(fake->commits_outside_a_turn == 0);
  BOOST_TEST(CommitOne(*store, MakeBatch({"b1"})).result.stored == 1u);
  BOOST_TEST(CommitOne(*store, MakeBatch({"c1"})).result.stored == 1u);
  BOOST_TEST(fake->turns == 1);
  BOOST_TEST(fake->commits_outside_a_turn == 2);
  fake->Hold();
  Outcome d, e, f;
  std::thread td([&] { d = CommitOne(*store, MakeBatch({"d1"})); });
  fake->WaitUntilHeldCommitArrives();
  std::thread te([&] { e = CommitOne(*store, MakeBatch({"e1"})); });
  std::thread tf([&] { f = CommitOne(*store, MakeBatch({"f1"})); });
  WaitQueued(*store, 2);
  fake->Release();
  for (std::thread* t : {&td, &te, &tf}) t->join();
  for (const Outcome* o : {&d, &e, &f}) BOOST_TEST(o->result.stored == 1u);
  BOOST_TEST(fake->turns == 2);
  BOOST_TEST(fake->commits_outside_a_turn == 3);
  BOOST_TEST(fake->CommitSizes() == std::vector<size_t>({1, 1, 1, 1, 2}),
             boost::test_tools::per_element());
  store.reset();
}

BOOST_AUTO_TEST_CASE(NoTurnFailsTheWholeGroupAndStoresNothing) {
  auto owned = std::make_unique<TurnStore>();
  TurnStore* fake = owned.get();
  fake->turn_failure = Status::Unavailable("the database is locked (another process kept writing)");
  auto store = std::make_unique<GroupCommitStore>(std::move(owned));
  Outcome a, b;
  std::thread ta([&] { a = CommitOne(*store, MakeBatch({"a1"})); });
  fake->WaitUntilWaitingForTurn();
  std::thread tb([&] { b = CommitOne(*store, MakeBatch({"b1"})); });
  WaitQueued(*store, 2);
  fake->OpenTurn();
  ta.join();
  tb.join();
  for (const Outcome* o : {&a, &b}) {
    BOOST_TEST((o->status.code() == StatusCode::kUnavailable));
    BOOST_TEST(o->result.stored == 0u);
  }
  BOOST_TEST(fake->EventCount() == 0u);
  BOOST_TEST(fake->CommitSizes().empty());
  store.reset();
}

BOOST_AUTO_TEST_CASE(SingleCallerGetsItsOwnCounts) {
  Fixture fx;
  Outcome first = CommitOne(*fx.store, MakeBatch({"a", "b"}));
  BOOST_TEST(first.status.ok());
  BOOST_TEST(first.result.stored == 2u);
  BOOST_TEST(first.result.duplicates == 0u);
  Outcome again = CommitOne(*fx.store, MakeBatch({"a", "c"}));
  BOOST_TEST(again.status.ok());
  BOOST_TEST(again.result.stored == 1u);
  BOOST_TEST(again.result.duplicates == 1u);
  BOOST_TEST(fx.fake->EventCount() == 3u);
}

BOOST_AUTO_TEST_CASE(CallersQueuedDuringACommitShareTheNextTransaction) {
  Fixture fx;
  fx.fake->Hold();
  Outcome a, b, c, d;
  std::thread ta([&] { a = CommitOne(*fx.store, MakeBatch({"a1"})); });
  fx.fake->WaitUntilHeldCommitArrives();
  std::thread tb([&] { b = CommitOne(*fx.store, MakeBatch({"b1"})); });
  std::thread tc([&] { c = CommitOne(*fx.store, MakeBatch({"c1", "c2", "a1"})); });
  std::thread td([&] { d = CommitOne(*fx.store, MakeBatch({"d1", "d2", "d3"})); });
  WaitQueued(*fx.store, 3);
  fx.fake->Release();
  for (std::thread* t : {&ta, &tb, &tc, &td}) t->join();

  BOOST_TEST(fx.fake->CommitSizes() == std::vector<size_t>({1, 3}),
             boost::test_tools::per_element());
  BOOST_TEST(a.status.ok());
  BOOST_TEST(a.result.stored == 1u);
  BOOST_TEST(b.status.ok());
  BOOST_TEST(b.result.stored == 1u);
  BOOST_TEST(b.result.duplicates == 0u);
  BOOST_TEST(c.status.ok());
  BOOST_TEST(c.result.stored == 2u);
  BOOST_TEST(c.result.duplicates == 1u);
  BOOST_TEST(d.status.ok());
  BOOST_TEST(d.result.stored == 3u);
  BOOST_TEST(fx.fake->EventCount() == 7u);
  GroupCommitStore::Stats st = fx.store->stats();
  BOOST_TEST(st.transactions == 2u);
  BOOST_TEST(st.commits == 4u);
  BOOST_TEST(st.largest_group == 3u);
}

BOOST_AUTO_TEST_CASE(FailedTransactionFailsEveryCallerInItAndStoresNone) {
  Fixture fx;
  fx.fake->fail_next = {Status::Ok(), Status::Unavailable("disk full")};
  fx.fake->Hold();
  Outcome a, b, c, d;
  std::thread ta([&] { a = CommitOne(*fx.store, MakeBatch({"a1"})); });
  fx.fake->WaitUntilHeldCommitArrives();
  std::thread tb([&] { b = CommitOne(*fx.store, MakeBatch({"b1"})); });
  std::thread tc([&] { c = CommitOne(*fx.store, MakeBatch({"c1", "c2"})); });
  std::thread td([&] { d = CommitOne(*fx.store, MakeBatch({"d1", "d2", "d3"})); });
  WaitQueued(*fx.store, 3);
  fx.fake->Release();
  for (std::thread* t : {&ta, &tb, &tc, &td}) t->join();

  BOOST_TEST(a.status.ok());
  for (const Outcome* o : {&b, &c, &d}) {
    BOOST_TEST(o->status.code() == StatusCode::kUnavailable);
    BOOST_TEST(o->result.stored == 0u);
    BOOST_TEST(o->result.duplicates == 0u);
  }
  // Nothing of the failed transaction is stored, and an Unavailable failure
  // (the disk, a lock) is not retried one caller at a time.
  BOOST_TEST(fx.fake->EventCount() == 1u);
  BOOST_TEST(!fx.fake->Has("b1", "DELIVRD"));
  BOOST_TEST(!fx.fake->Has("d3", "DELIVRD"));
  BOOST_TEST(fx.fake->CommitSizes() == std::vector<size_t>({1, 3}),
             boost::test_tools::per_element());

  // The platform's retry then succeeds.
  Outcome retry = CommitOne(*fx.store, MakeBatch({"c1", "c2"}));
  BOOST_TEST(retry.status.ok());
  BOOST_TEST(retry.result.stored == 2u);
}

BOOST_AUTO_TEST_CASE(OneBadBatchFailsOnlyItsSender) {
  Fixture fx;
  fx.fake->poison_id = "bad";
  fx.fake->Hold();
  Outcome a, b, c, d;
  std::thread ta([&] { a = CommitOne(*fx.store, MakeBatch({"a1"})); });
  fx.fake->WaitUntilHeldCommitArrives();
  std::thread tb([&] { b = CommitOne(*fx.store, MakeBatch({"b1"})); });
  std::thread tc([&] { c = CommitOne(*fx.store, MakeBatch({"c1", "bad"})); });
  std::thread td([&] { d = CommitOne(*fx.store, MakeBatch({"d1"})); });
  WaitQueued(*fx.store, 3);
  fx.fake->Release();
  for (std::thread* t : {&ta, &tb, &tc, &td}) t->join();

  BOOST_TEST(b.status.ok());
  BOOST_TEST(b.result.stored == 1u);
  BOOST_TEST(d.status.ok());
  BOOST_TEST(d.result.stored == 1u);
  BOOST_TEST(c.status.code() == StatusCode::kInternal);
  BOOST_TEST(!fx.fake->Has("c1", "DELIVRD"));  // all or nothing within a request
  BOOST_TEST(fx.fake->Has("b1", "DELIVRD"));
  BOOST_TEST(fx.fake->Has("d1", "DELIVRD"));
  // The group of three failed, then each caller had a transaction of its own.
  BOOST_TEST(fx.fake->CommitSizes() == std::vector<size_t>({1, 3, 1, 1, 1}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ManyThreadsLoseNothingAndTheBackendSeesOneCallAtATime) {
  Fixture fx;
  const int kThreads = 16;
  const int kPerThread = 60;
  std::vector<int> bad(kThreads, 0);
  std::vector<size_t> stored(kThreads, 0), dups(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        // Every third request repeats the previous one: a duplicate.
        if (i % 3 == 2) id = "t" + std::to_string(t) + "-" + std::to_string(i - 1);
        Outcome o = CommitOne(*fx.store, MakeBatch({id}));
        if (!o.status.ok()) ++bad[t];
        stored[t] += o.result.stored;
        dups[t] += o.result.duplicates;
        if (i % 10 == 0) {
          Rejected r;
          r.raw = id;
          if (!fx.store->RecordRejected(r).ok()) ++bad[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    BOOST_TEST(bad[t] == 0);
    BOOST_TEST(stored[t] == 40u);
    BOOST_TEST(dups[t] == 20u);
  }
  BOOST_TEST(fx.fake->EventCount() == static_cast<size_t>(kThreads * 40));
  BOOST_TEST(fx.fake->rejected.size() == static_cast<size_t>(kThreads * 6));
  BOOST_TEST(fx.fake->overlapping_calls.load() == 0);
  GroupCommitStore::Stats st = fx.store->stats();
  BOOST_TEST(st.commits == static_cast<uint64_t>(kThreads * kPerThread));
  BOOST_TEST(st.transactions <= st.commits);
}

BOOST_AUTO_TEST_CASE(EnsureSchemaRunsOnTheWriter) {
  Fixture fx;
  BOOST_TEST(fx.store->EnsureSchema().ok());
  BOOST_TEST(fx.fake->schema_calls == 1);
}

BOOST_AUTO_TEST_CASE(DestructorFinishesWhatIsQueued) {
  auto owned = std::make_unique<FakeStore>();
  FakeStore* fake = owned.get();
  auto store = std::make_unique<GroupCommitStore>(std::move(owned));
  fake->Hold();
  Outcome a, b;
  std::thread ta([&] { a = CommitOne(*store, MakeBatch({"a1"})); });
  fake->WaitUntilHeldCommitArrives();
  std::thread tb([&] { b = CommitOne(*store, MakeBatch({"b1"})); });
  WaitQueued(*store, 1);
  fake->Release();
  ta.join();
  tb.join();
  store.reset();
  BOOST_TEST(a.status.ok());
  BOOST_TEST(b.status.ok());
  BOOST_TEST(b.result.stored == 1u);
}

BOOST_AUTO_TEST_CASE(EveryRequestInAFailedGroupIsAnswered503) {
  StatusOr<Config> config =
      ParseConfig(R"({"database": "unused.sqlite", "webhooks": [{"name": "sms", "path": "/cb",)"
                  R"( "secrets": ["s3cret"]}]})",
                  "");
  BOOST_REQUIRE(config.ok());
  Fixture fx;
  fx.fake->fail_next = {Status::Ok(), Status::Unavailable("the database is locked")};
  auto request = [](const std::string& id) {
    Request r;
    r.method = "POST";
    r.path = "/cb";
    r.content_type = "application/json";
    r.authorization = "Bearer s3cret";
    r.body = "{\"id\": \"" + id + "\", \"status\": \"DELIVRD\"}";
    return r;
  };
  fx.fake->Hold();
  std::vector<Response> answers(4);
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    answers[0] = HandleRequest(request("first"), config.value(), *fx.store, SystemClock());
  });
  fx.fake->WaitUntilHeldCommitArrives();
  for (int i = 1; i < 4; ++i) {
    threads.emplace_back([&, i] {
      SetThreadLogWriter([](void*, const std::string&) {}, nullptr);  // 503s are logged
      answers[i] =
          HandleRequest(request("r" + std::to_string(i)), config.value(), *fx.store, SystemClock());
    });
  }
  WaitQueued(*fx.store, 3);
  fx.fake->Release();
  for (std::thread& t : threads) t.join();
  BOOST_TEST(answers[0].status == 200);
  for (int i = 1; i < 4; ++i) {
    BOOST_TEST(answers[i].status == 503);
    BOOST_TEST(!answers[i].Header("Retry-After").empty());
  }
  BOOST_TEST(fx.fake->EventCount() == 1u);
}

BOOST_AUTO_TEST_CASE(ManyThreadsOverRealSqlite) {
  char dir_template[] = "/tmp/dlr-gc-test.XXXXXX";
  char* dir = mkdtemp(dir_template);
  BOOST_REQUIRE(dir != nullptr);
  std::string path = std::string(dir) + "/dlr.sqlite";
  {
    GroupCommitStore store(std::make_unique<SqliteStore>(path, StoreOptions()));
    BOOST_REQUIRE(store.EnsureSchema().ok());
    const int kThreads = 8;
    const int kPerThread = 40;
    std::vector<int> failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // Two DLRs per request; thread t also re-sends thread 0's first id.
          Batch b = MakeBatch({"t" + std::to_string(t) + "-" + std::to_string(i), "shared"});
          Outcome o = CommitOne(store, b);
          if (!o.status.ok() || o.result.stored + o.result.duplicates != 2) ++failures[t];
        }
      });
    }
    for (std::thread& t : threads) t.join();
    for (int t = 0; t < kThreads; ++t) BOOST_TEST(failures[t] == 0);
  }
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(db,
                                   "SELECT (SELECT count(*) FROM dlr_events),"
                                   " (SELECT count(*) FROM dlr_messages)",
                                   -1, &st, nullptr) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  BOOST_TEST(sqlite3_column_int(st, 0) == 8 * 40 + 1);
  BOOST_TEST(sqlite3_column_int(st, 1) == 8 * 40 + 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) unlink((path + suffix).c_str());
  rmdir(dir);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
