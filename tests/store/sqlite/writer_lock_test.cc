// Tests of common/store/sqlite/writer_lock.*: the lock orders processes (a
// child process holds it while the test waits), survives a holder that dies,
// and says why when it cannot be had; the openers' lock beside it likewise,
// apart from it, and in a file an older version made.
#define BOOST_TEST_DYN_LINK
#include "common/store/sqlite/writer_lock.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
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

// Which of a WriterLock's two mutexes a child holds.
enum class Which { kWriters, kOpeners };

// A child process that opens `path`, takes the lock (`which`), writes one
// byte to `ready`, then waits for a byte on `release` (none: it never lets
// go) and either unlocks and exits, or exits holding the lock when
// `die_holding`.
pid_t HoldInChild(const std::string& path, int ready, int release, bool die_holding,
                  Which which = Which::kWriters) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(path, path + ".db");
  if (!lock.ok()) _exit(3);
  Status held =
      which == Which::kWriters ? lock.value()->Lock(5000) : lock.value()->LockOpeners(5000);
  if (!held.ok()) _exit(3);
  char c = 'x';
  if (write(ready, &c, 1) != 1) _exit(4);
  if (die_holding) _exit(0);
  if (read(release, &c, 1) != 1) _exit(5);
  if (which == Which::kWriters) {
    lock.value()->Unlock();
  } else {
    lock.value()->UnlockOpeners();
  }
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
  explicit HeldByChild(const std::string& path, Which which = Which::kWriters) {
    BOOST_TEST_REQUIRE(pipe(ready) == 0);
    BOOST_TEST_REQUIRE(pipe(release) == 0);
    pid = HoldInChild(path, ready[1], release[0], /*die_holding=*/false, which);
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

// The openers' lock orders the processes that open the database, apart
// from the writers: an opener does not wait for a writer, nor a writer for
// an opener; another opener does.
BOOST_AUTO_TEST_CASE(TheOpenersLockIsApartFromTheWritersLock) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  std::unique_ptr<WriterLock> mine = MustOpen(path);
  {
    HeldByChild writer(path, Which::kWriters);
    BOOST_TEST(mine->LockOpeners(0).ok());
    mine->UnlockOpeners();
    BOOST_TEST_REQUIRE(writer.Release());
    BOOST_TEST(WaitExit(writer.pid) == 0);
  }
  HeldByChild opener(path, Which::kOpeners);
  BOOST_TEST(mine->Lock(0).ok());
  mine->Unlock();
  Status s = mine->LockOpeners(50);
  BOOST_TEST((s.code() == StatusCode::kUnavailable));
  BOOST_TEST(s.message().find("opening") != std::string::npos, s.message());
  BOOST_TEST_REQUIRE(opener.Release());
  BOOST_TEST(mine->LockOpeners(10000).ok());
  mine->UnlockOpeners();
  BOOST_TEST(WaitExit(opener.pid) == 0);
}

// Let go while another process waits for it, the openers' lock is that
// process's: the one that let go does not take it back first. The kernel
// does not promise it every time (measured: back 0 to 3 times in 12, idle or
// busy); a plain mutex gives it back every time. So rounds, and at most
// two in three taken back.
BOOST_AUTO_TEST_CASE(TheOpenersLockIsHandedOverInTurn) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  std::unique_ptr<WriterLock> mine = MustOpen(path);
  constexpr int kRounds = 24;
  int taken_back = 0;
  for (int round = 0; round < kRounds; ++round) {
    BOOST_TEST_REQUIRE(mine->LockOpeners(0).ok());
    int got[2], waiting[2];
    BOOST_TEST_REQUIRE(pipe(got) == 0);
    BOOST_TEST_REQUIRE(pipe(waiting) == 0);
    pid_t waiter = fork();
    BOOST_TEST_REQUIRE(waiter >= 0);
    if (waiter == 0) {
      StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(path, path + ".db");
      if (!lock.ok() || write(waiting[1], "x", 1) != 1) _exit(3);
      if (!lock.value()->LockOpeners(20000).ok()) _exit(3);
      if (write(got[1], "x", 1) != 1) _exit(4);
      lock.value()->UnlockOpeners();
      _exit(0);
    }
    close(got[1]);
    close(waiting[1]);
    // Until the waiter is asleep in the kernel on the lock: it said it was
    // about to take it, and its state is then S (sleeping).
    char c = 0;
    BOOST_TEST_REQUIRE(read(waiting[0], &c, 1) == 1);
    auto asleep = [&] {
      std::ifstream stat("/proc/" + std::to_string(waiter) + "/stat");
      std::string line;
      std::getline(stat, line);
      size_t paren = line.rfind(')');
      return paren != std::string::npos && line.compare(paren, 3, ") S") == 0;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!asleep() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BOOST_TEST_REQUIRE(asleep());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    mine->UnlockOpeners();
    if (mine->LockOpeners(0).ok()) {
      ++taken_back;
      mine->UnlockOpeners();
    }
    BOOST_TEST(read(got[0], &c, 1) == 1);  // the waiter had it
    BOOST_TEST(WaitExit(waiter) == 0);
    close(got[0]);
    close(waiting[0]);
  }
  BOOST_TEST(taken_back <= kRounds * 2 / 3, taken_back << " of " << kRounds << " taken back");
  BOOST_TEST_MESSAGE("taken back " << taken_back << " of " << kRounds);
}

BOOST_AUTO_TEST_CASE(AnOpenerThatDiesDoesNotLeaveItLocked) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  std::unique_ptr<WriterLock> mine = MustOpen(path);
  int ready[2];
  BOOST_TEST_REQUIRE(pipe(ready) == 0);
  pid_t child = HoldInChild(path, ready[1], -1, /*die_holding=*/true, Which::kOpeners);
  char c = 0;
  BOOST_TEST_REQUIRE(read(ready[0], &c, 1) == 1);
  BOOST_TEST(WaitExit(child) == 0);
  BOOST_TEST(mine->LockOpeners(5000).ok());
  mine->UnlockOpeners();
  close(ready[0]);
  close(ready[1]);
}

// A lock file made by a version without the openers' lock (the writers'
// mutex, then zeros) gains it when a newer process opens it, and the
// writers' mutex is left as it is: held by an older process, it stays held.
BOOST_AUTO_TEST_CASE(AFileOfAnOlderVersionGainsTheOpenersLock) {
  TempDir dir("writer_lock");
  std::string path = dir.File("lock");
  // The older layout: the magic "dlrWLck1", a robust process-shared mutex at
  // offset 8, the release count and waiters; zeros after them.
  int fd = open(path.c_str(), O_RDWR | O_CREAT, 0600);
  BOOST_TEST_REQUIRE(fd >= 0);
  BOOST_TEST_REQUIRE(ftruncate(fd, 4096) == 0);
  void* map = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  BOOST_TEST_REQUIRE(map != MAP_FAILED);
  auto* old_mutex = reinterpret_cast<pthread_mutex_t*>(static_cast<char*>(map) + 8);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  BOOST_TEST_REQUIRE(pthread_mutex_init(old_mutex, &attr) == 0);
  pthread_mutexattr_destroy(&attr);
  const uint64_t magic = 0x316b634c57726c64ULL;
  std::memcpy(map, &magic, sizeof magic);

  // An older process holds the writers' mutex.
  int ready[2], release[2];
  BOOST_TEST_REQUIRE(pipe(ready) == 0);
  BOOST_TEST_REQUIRE(pipe(release) == 0);
  pid_t older = fork();
  BOOST_TEST_REQUIRE(older >= 0);
  if (older == 0) {
    char c = 'x';
    if (pthread_mutex_lock(old_mutex) != 0) _exit(3);
    if (write(ready[1], &c, 1) != 1) _exit(4);
    if (read(release[0], &c, 1) != 1) _exit(5);
    pthread_mutex_unlock(old_mutex);
    _exit(0);
  }
  char c = 0;
  BOOST_TEST_REQUIRE(read(ready[0], &c, 1) == 1);

  std::unique_ptr<WriterLock> mine = MustOpen(path);
  BOOST_TEST(!mine->Lock(50).ok());  // still the older process's
  BOOST_TEST(mine->LockOpeners(0).ok());
  // Another newer process waits for it, and is woken when it is let go (a
  // mutex never set up, zeros, would not wake another process).
  pid_t other = fork();
  BOOST_TEST_REQUIRE(other >= 0);
  if (other == 0) {
    StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(path, path + ".db");
    if (!lock.ok() || lock.value()->LockOpeners(50).ok()) _exit(6);
    auto start = std::chrono::steady_clock::now();
    if (!lock.value()->LockOpeners(20000).ok()) _exit(7);
    lock.value()->UnlockOpeners();
    _exit(std::chrono::steady_clock::now() - start < std::chrono::seconds(10) ? 0 : 8);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  mine->UnlockOpeners();
  BOOST_TEST(WaitExit(other) == 0);

  BOOST_TEST_REQUIRE(write(release[1], "x", 1) == 1);
  BOOST_TEST(WaitExit(older) == 0);
  BOOST_TEST(mine->Lock(5000).ok());
  mine->Unlock();
  for (int p : {ready[0], ready[1], release[0], release[1]}) close(p);
  munmap(map, 4096);
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
