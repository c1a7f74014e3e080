// Tests of common/store/sqlite/writer_lock.*: the lock orders processes (a
// child process holds it while the test waits), survives a holder that dies,
// and says why when it cannot be had.
#define BOOST_TEST_DYN_LINK
#include "common/store/sqlite/writer_lock.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "tests/testing/temp_dir.h"

namespace dlr {
namespace {

using test::TempDir;

std::unique_ptr<WriterLock> MustOpen(const std::string& path) {
  StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(path, path + ".db");
  BOOST_TEST_REQUIRE(lock.ok(), lock.status().message());
  return std::move(lock).value();
}

// A child process that opens `path`, takes the lock, writes one byte to
// `ready`, then waits for a byte on `release` (none: it never lets go) and
// either unlocks and exits, or exits holding the lock when `die_holding`.
pid_t HoldInChild(const std::string& path, int ready, int release, bool die_holding) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(path, path + ".db");
  if (!lock.ok() || !lock.value()->Lock(5000).ok()) _exit(3);
  char c = 'x';
  if (write(ready, &c, 1) != 1) _exit(4);
  if (die_holding) _exit(0);
  if (read(release, &c, 1) != 1) _exit(5);
  lock.value()->Unlock();
  _exit(0);
}

int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A child holding the lock at `path` (HoldInChild) until Release(); the
// constructor returns once it holds it.
struct HeldByChild {
  int ready[2] = {-1, -1};
  int release[2] = {-1, -1};
  pid_t pid = -1;
  explicit HeldByChild(const std::string& path) {
    BOOST_TEST_REQUIRE(pipe(ready) == 0);
    BOOST_TEST_REQUIRE(pipe(release) == 0);
    pid = HoldInChild(path, ready[1], release[0], /*die_holding=*/false);
    char c = 0;
    BOOST_TEST_REQUIRE(read(ready[0], &c, 1) == 1);
  }
  ~HeldByChild() {
    for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
  }
  // Lets the child unlock and exit.
  bool Release() { return write(release[1], "x", 1) == 1; }
};

BOOST_AUTO_TEST_SUITE(WriterLockTest)

BOOST_AUTO_TEST_CASE(CreatesItsFileWithTheDatabasesPermissions) {
  TempDir dir("writer_lock");
  std::string db = dir.File("dlr.sqlite");
  BOOST_TEST(WriterLock::PathFor(db) == db + "-writer");
  FILE* f = fopen(db.c_str(), "w");
  BOOST_TEST_REQUIRE(f != nullptr);
  fclose(f);
  BOOST_TEST_REQUIRE(chmod(db.c_str(), 0640) == 0);
  StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(WriterLock::PathFor(db), db);
  BOOST_TEST_REQUIRE(lock.ok(), lock.status().message());
  struct stat st;
  BOOST_TEST_REQUIRE(stat(WriterLock::PathFor(db).c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == (0640u & ~static_cast<unsigned>(umask(022)) & 0777u));
  BOOST_TEST(lock.value()->Lock(100).ok());
  lock.value()->Unlock();
}

BOOST_AUTO_TEST_CASE(AnotherProcessHoldingItMakesAWriterWaitThenGoOn) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  std::unique_ptr<WriterLock> mine = MustOpen(path);
  HeldByChild child(path);

  // Held by the child: a short wait gives up with Unavailable (answered 503).
  Status s = mine->Lock(50);
  BOOST_TEST((s.code() == StatusCode::kUnavailable));
  BOOST_TEST(s.message().find("locked") != std::string::npos);

  // Released while this process waits: the wait ends with the lock.
  BOOST_TEST_REQUIRE(child.Release());
  BOOST_TEST(mine->Lock(10000).ok());
  mine->Unlock();
  BOOST_TEST(WaitExit(child.pid) == 0);
}

// A process waiting for the holder to let go (without taking the lock) is
// woken by the release; a release it has not seen yet ends the wait at once.
BOOST_AUTO_TEST_CASE(AReleaseWakesAProcessWaitingForIt) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  std::unique_ptr<WriterLock> mine = MustOpen(path);
  HeldByChild child(path);
  uint32_t seen = mine->Releases();

  // Nothing released: the wait lasts its timeout.
  auto start = std::chrono::steady_clock::now();
  mine->WaitRelease(seen, 50);
  BOOST_TEST((std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(45)));
  BOOST_TEST(mine->Releases() == seen);

  // The child lets go while this process waits (for up to 20 s): woken by it.
  std::thread let_go([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(child.Release());
  });
  start = std::chrono::steady_clock::now();
  while (mine->Releases() == seen &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
    mine->WaitRelease(seen, 20000);
  }
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(10)));
  BOOST_TEST(mine->Releases() == seen + 1);
  let_go.join();
  BOOST_TEST(WaitExit(child.pid) == 0);

  // A release already counted: no wait at all.
  start = std::chrono::steady_clock::now();
  mine->WaitRelease(seen, 20000);
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(10)));
  // This process's own releases count too.
  BOOST_TEST_REQUIRE(mine->Lock(100).ok());
  mine->Unlock();
  BOOST_TEST(mine->Releases() == seen + 2);
}

BOOST_AUTO_TEST_CASE(AHolderThatDiesDoesNotLeaveItLocked) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  std::unique_ptr<WriterLock> mine = MustOpen(path);
  int ready[2];
  BOOST_TEST_REQUIRE(pipe(ready) == 0);
  pid_t child = HoldInChild(path, ready[1], -1, /*die_holding=*/true);
  char c = 0;
  BOOST_TEST_REQUIRE(read(ready[0], &c, 1) == 1);
  BOOST_TEST(WaitExit(child) == 0);  // gone, holding the lock
  BOOST_TEST(mine->Lock(5000).ok());
  mine->Unlock();
  // And it works as before afterwards, for this process and a new one.
  BOOST_TEST(mine->Lock(100).ok());
  mine->Unlock();
  std::unique_ptr<WriterLock> fresh = MustOpen(path);
  BOOST_TEST(fresh->Lock(100).ok());
  fresh->Unlock();
  close(ready[0]);
  close(ready[1]);
}

// A lock destroyed while held is released first: the thread's robust list
// must not keep pointing into the unmapped file (the next lock taken by the
// thread would write there), and the next writer must not wait for it.
BOOST_AUTO_TEST_CASE(ALockDestroyedWhileHeldIsReleased) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  {
    std::unique_ptr<WriterLock> first = MustOpen(path);
    BOOST_TEST_REQUIRE(first->Lock(100).ok());
  }
  pid_t pid = fork();
  BOOST_TEST_REQUIRE(pid >= 0);
  if (pid == 0) {
    StatusOr<std::unique_ptr<WriterLock>> other = WriterLock::Open(path, path + ".db");
    // Not dead-owner recovery: the lock must simply be free.
    _exit(other.ok() && other.value()->Lock(0).ok() ? 0 : 4);
  }
  BOOST_TEST(WaitExit(pid) == 0);
  std::unique_ptr<WriterLock> second = MustOpen(path);
  BOOST_TEST(second->Lock(100).ok());
  second->Unlock();
}

BOOST_AUTO_TEST_CASE(ALockThatCannotBeCreatedSaysWhy) {
  StatusOr<std::unique_ptr<WriterLock>> lock =
      WriterLock::Open("/nonexistent-dir/dlr.sqlite-writer", "/nonexistent-dir/dlr.sqlite");
  BOOST_TEST(!lock.ok());
  BOOST_TEST((lock.status().code() == StatusCode::kUnavailable));
  BOOST_TEST(lock.status().message().find("/nonexistent-dir/dlr.sqlite-writer") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace dlr
