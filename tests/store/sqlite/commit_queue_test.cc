// Tests of common/store/sqlite/commit_queue.*: the slots' life (published,
// taken by a leader, finished, collected), giving up, a full queue, a leader
// that died with slots taken, an owner that died before collecting, and that
// the writers' lock beside it in the same file is untouched.
#define BOOST_TEST_DYN_LINK
#include "common/store/sqlite/commit_queue.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/store/sqlite/writer_lock.h"
#include "tests/testing/temp_dir.h"

namespace dlr {
namespace {

using test::TempDir;
using State = CommitQueue::State;

struct Fixture {
  TempDir dir{"commit_queue"};
  std::string db = dir.File("dlr.sqlite");
  std::string path = WriterLock::PathFor(db);
  std::unique_ptr<CommitQueue> Open() {
    StatusOr<std::unique_ptr<CommitQueue>> q = CommitQueue::Open(path, db);
    BOOST_TEST_REQUIRE(q.ok(), q.status().message());
    return std::move(q).value();
  }
};

int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

BOOST_AUTO_TEST_SUITE(CommitQueueTest)

BOOST_AUTO_TEST_CASE(ALeaderTakesPublishedSlotsAndTheirOwnersCollectTheOutcome) {
  Fixture f;
  std::unique_ptr<CommitQueue> owner = f.Open();
  std::unique_ptr<CommitQueue> leader = f.Open();
  CommitQueue::Ticket a, b;
  BOOST_TEST_REQUIRE(owner->Publish("batches of a", &a));
  BOOST_TEST_REQUIRE(owner->Publish(std::string("b\0b", 3), &b));
  BOOST_TEST(a.slot != b.slot);
  std::vector<CommitQueue::Taken> taken = leader->TakePending();
  BOOST_TEST_REQUIRE(taken.size() == 2u);
  BOOST_TEST(taken[0].bytes == "batches of a");
  BOOST_TEST(taken[1].bytes == std::string("b\0b", 3));
  // Taken once: a second leader's turn finds nothing new.
  BOOST_TEST(leader->TakePending().empty());
  leader->Finish(taken[0].slot, "outcome of a");
  leader->Finish(taken[1].slot, "");
  std::string out;
  BOOST_TEST((owner->Collect(a, &out) == State::kDone));
  BOOST_TEST(out == "outcome of a");
  BOOST_TEST((owner->Collect(b, &out) == State::kDone));
  BOOST_TEST(out.empty());
  // Collected: the slot is free, and its old ticket finds nothing there.
  BOOST_TEST((owner->Collect(a, &out) == State::kLost));
}

BOOST_AUTO_TEST_CASE(AnOwnerWhoseSlotNoLeaderTookCommitsItself) {
  Fixture f;
  std::unique_ptr<CommitQueue> q = f.Open();
  CommitQueue::Ticket t;
  BOOST_TEST_REQUIRE(q->Publish("x", &t));
  std::string out = "untouched";
  BOOST_TEST((q->Collect(t, &out) == State::kPending));
  BOOST_TEST(out == "untouched");
  // Freed: no leader takes it afterwards.
  BOOST_TEST(f.Open()->TakePending().empty());
}

BOOST_AUTO_TEST_CASE(GivingUpWithdrawsAPendingSlotAndAbandonsATakenOne) {
  Fixture f;
  std::unique_ptr<CommitQueue> owner = f.Open();
  std::unique_ptr<CommitQueue> leader = f.Open();
  std::string out;
  CommitQueue::Ticket pending;
  BOOST_TEST_REQUIRE(owner->Publish("p", &pending));
  BOOST_TEST((owner->Withdraw(pending, &out) == State::kPending));
  BOOST_TEST(leader->TakePending().empty());  // withdrawn: never stored

  CommitQueue::Ticket taken;
  BOOST_TEST_REQUIRE(owner->Publish("t", &taken));
  std::vector<CommitQueue::Taken> t = leader->TakePending();
  BOOST_TEST_REQUIRE(t.size() == 1u);
  BOOST_TEST((owner->Withdraw(taken, &out) == State::kTaken));
  leader->Finish(t[0].slot, "done");
  // Abandoned: freed by Finish, the outcome unread; every slot can be had.
  BOOST_TEST((owner->Collect(taken, &out) == State::kLost));
  std::vector<CommitQueue::Ticket> all(CommitQueue::kSlots);
  for (CommitQueue::Ticket& ticket : all) BOOST_TEST_REQUIRE(owner->Publish("s", &ticket));

  CommitQueue::Ticket done;
  std::unique_ptr<CommitQueue> other = f.Open();
  for (CommitQueue::Ticket& ticket : all)
    BOOST_TEST((owner->Withdraw(ticket, &out) == State::kPending));
  BOOST_TEST_REQUIRE(other->Publish("d", &done));
  t = leader->TakePending();
  BOOST_TEST_REQUIRE(t.size() == 1u);
  leader->Finish(t[0].slot, "outcome of d");
  BOOST_TEST((other->Withdraw(done, &out) == State::kDone));
  BOOST_TEST(out == "outcome of d");
}

BOOST_AUTO_TEST_CASE(AFullQueueOrATooLargeBatchIsCommittedByItsOwner) {
  Fixture f;
  std::unique_ptr<CommitQueue> q = f.Open();
  CommitQueue::Ticket t;
  BOOST_TEST(!q->Publish(std::string(CommitQueue::kSlotBytes + 1, 'x'), &t));
  BOOST_TEST_REQUIRE(q->Publish(std::string(CommitQueue::kSlotBytes, 'x'), &t));
  for (size_t i = 1; i < CommitQueue::kSlots; ++i) BOOST_TEST_REQUIRE(q->Publish("s", &t));
  BOOST_TEST(!q->Publish("one too many", &t));
  std::vector<CommitQueue::Taken> taken = q->TakePending();
  BOOST_TEST_REQUIRE(taken.size() == CommitQueue::kSlots);
  BOOST_TEST(taken[0].bytes == std::string(CommitQueue::kSlotBytes, 'x'));
  for (size_t i = 1; i < CommitQueue::kSlots; ++i) BOOST_TEST(taken[i].bytes == "s");
}

// A leader that dies leaves its slots taken (and the writers' lock to the
// next holder): an owner that gets the lock commits its batches itself
// (Collect: kPending), and a leader that finds anything published takes the
// orphans again with it.
BOOST_AUTO_TEST_CASE(SlotsTakenByALeaderThatDiedAreTakenAgain) {
  Fixture f;
  std::unique_ptr<CommitQueue> owner = f.Open();
  CommitQueue::Ticket first, second;
  BOOST_TEST_REQUIRE(owner->Publish("orphan 1", &first));
  BOOST_TEST_REQUIRE(owner->Publish("orphan 2", &second));
  pid_t pid = fork();
  if (pid == 0) {
    StatusOr<std::unique_ptr<CommitQueue>> q = CommitQueue::Open(f.path, f.db);
    if (!q.ok() || q.value()->TakePending().size() != 2u) _exit(3);
    _exit(0);  // dies without Finish
  }
  BOOST_TEST_REQUIRE(WaitExit(pid) == 0);
  std::unique_ptr<CommitQueue> leader = f.Open();
  BOOST_TEST(leader->Published() == 0u);
  std::string out;
  BOOST_TEST((owner->Collect(first, &out) == State::kPending));
  CommitQueue::Ticket fresh;
  BOOST_TEST_REQUIRE(owner->Publish("fresh", &fresh));
  std::vector<CommitQueue::Taken> taken = leader->TakePending();
  BOOST_TEST_REQUIRE(taken.size() == 2u);
  for (const CommitQueue::Taken& t : taken) {
    BOOST_TEST((t.bytes == "orphan 2" || t.bytes == "fresh"), t.bytes);
    leader->Finish(t.slot, "stored " + t.bytes);
  }
  BOOST_TEST((owner->Collect(second, &out) == State::kDone));
  BOOST_TEST(out == "stored orphan 2");
  BOOST_TEST((owner->Collect(fresh, &out) == State::kDone));
  BOOST_TEST(out == "stored fresh");
}

// An owner that died after publishing: its slot is committed and finished,
// and then free for others, though nobody collects it.
BOOST_AUTO_TEST_CASE(TheSlotOfAnOwnerThatDiedIsFreedAfterItsCommit) {
  Fixture f;
  pid_t pid = fork();
  if (pid == 0) {
    StatusOr<std::unique_ptr<CommitQueue>> q = CommitQueue::Open(f.path, f.db);
    CommitQueue::Ticket t;
    if (!q.ok() || !q.value()->Publish("from the dead", &t)) _exit(3);
    _exit(0);
  }
  BOOST_TEST_REQUIRE(WaitExit(pid) == 0);
  std::unique_ptr<CommitQueue> q = f.Open();
  std::vector<CommitQueue::Taken> taken = q->TakePending();
  BOOST_TEST_REQUIRE(taken.size() == 1u);
  BOOST_TEST(taken[0].bytes == "from the dead");
  q->Finish(taken[0].slot, "stored, never collected");
  CommitQueue::Ticket t;
  for (size_t i = 0; i < CommitQueue::kSlots; ++i) BOOST_TEST_REQUIRE(q->Publish("s", &t));
}

// The queue shares the writers' lock's file: the lock still works, and a
// lock file made before the queue existed (one page) is grown, not replaced.
BOOST_AUTO_TEST_CASE(LivesBesideTheWritersLockInItsFile) {
  Fixture f;
  StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(f.path, f.db);
  BOOST_TEST_REQUIRE(lock.ok());
  BOOST_TEST_REQUIRE(lock.value()->Lock(1000).ok());
  struct stat st;
  BOOST_TEST_REQUIRE(stat(f.path.c_str(), &st) == 0);
  BOOST_TEST(st.st_size == 4096);
  std::unique_ptr<CommitQueue> q = f.Open();
  BOOST_TEST_REQUIRE(stat(f.path.c_str(), &st) == 0);
  BOOST_TEST(static_cast<size_t>(st.st_size) ==
             CommitQueue::kOffset + 4096 + CommitQueue::kSlots * CommitQueue::kSlotBytes);
  CommitQueue::Ticket t;
  BOOST_TEST(q->Publish("x", &t));
  StatusOr<std::unique_ptr<WriterLock>> again = WriterLock::Open(f.path, f.db);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(!again.value()->TryLock());  // still held by the first
  lock.value()->Unlock();
  BOOST_TEST(again.value()->TryLock());
  again.value()->Unlock();
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
