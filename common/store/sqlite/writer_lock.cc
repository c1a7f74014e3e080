#include "common/store/sqlite/writer_lock.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

#include "common/store/sqlite/shared_file.h"

namespace dlr {

namespace {

// "dlrWLck1": the file holds an initialised mutex of this layout.
constexpr uint64_t kMagic = 0x316b634c57726c64ULL;
constexpr size_t kFileSize = 4096;

std::string Errno(const std::string& what, int err) { return what + ": " + std::strerror(err); }

}  // namespace

struct WriterLock::Shared {
  std::atomic<uint64_t> magic;
  pthread_mutex_t mutex;
  // After the mutex, so that a file made by a version without them (zeros
  // there) is the same to both: releases counts every Unlock; waiters are the
  // threads in WaitRelease, so that an Unlock with none to wake makes no
  // system call. (One that died waiting leaves the count high: its Unlocks
  // then make one futex call that wakes nobody.)
  std::atomic<uint32_t> releases;
  std::atomic<uint32_t> waiters;
  // The openers' mutex (LockOpeners), after the rest for the same reason: a
  // file made by a version without it has zeros here, and the first process
  // of a version with it sets it up under the file's flock (opener_ready 1);
  // no process touches it before.
  std::atomic<uint32_t> opener_ready;
  pthread_mutex_t opener;
};

std::string WriterLock::PathFor(const std::string& database_path) {
  return database_path + "-writer";
}

StatusOr<std::unique_ptr<WriterLock>> WriterLock::Open(const std::string& path,
                                                       const std::string& like) {
  static_assert(sizeof(Shared) <= kFileSize, "the lock fits its file");
  StatusOr<void*> map =
      MapSharedFile(path, like, 0, kFileSize, kMagic, [&](void* region, bool fresh) {
        Shared* shared = static_cast<Shared*>(region);
        Status s;
        if (fresh) s = InitSharedRobustMutex(&shared->mutex, "the writers' lock " + path);
        if (s.ok() && shared->opener_ready.load(std::memory_order_acquire) != 1) {
          s = InitSharedRobustMutex(&shared->opener, "the openers' lock " + path, true);
          if (s.ok()) shared->opener_ready.store(1, std::memory_order_release);
        }
        return s;
      });
  if (!map.ok()) return map.status();
  return std::unique_ptr<WriterLock>(new WriterLock(static_cast<Shared*>(map.value())));
}

WriterLock::~WriterLock() {
  if (held_) Unlock();
  if (opener_held_) UnlockOpeners();
  munmap(shared_, kFileSize);
}

namespace {

// Takes the robust, process-shared `mutex`, waiting at most `timeout_ms`:
// 0 (also when its holder died: taken over), ETIMEDOUT, or pthread's error.
int LockRobust(pthread_mutex_t* mutex, int timeout_ms) {
  int rc = pthread_mutex_trylock(mutex);
  if (rc == EBUSY) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    int64_t ns = deadline.tv_nsec + static_cast<int64_t>(timeout_ms < 0 ? 0 : timeout_ms) * 1000000;
    deadline.tv_sec += static_cast<time_t>(ns / 1000000000);
    deadline.tv_nsec = static_cast<long>(ns % 1000000000);
    rc = pthread_mutex_timedlock(mutex, &deadline);
  }
  if (rc == EOWNERDEAD) {
    // The holder died holding it: SQLite recovers the file itself.
    pthread_mutex_consistent(mutex);
    rc = 0;
  }
  return rc;
}

}  // namespace

Status WriterLock::Lock(int timeout_ms) {
  switch (int rc = LockRobust(&shared_->mutex, timeout_ms)) {
    case 0:
      held_ = true;
      return Status::Ok();
    case ETIMEDOUT:
      return TimedOut(timeout_ms);
    default:
      return Status::Unavailable(Errno("the writers' lock failed", rc));
  }
}

Status WriterLock::LockOpeners(int timeout_ms) {
  switch (int rc = LockRobust(&shared_->opener, timeout_ms)) {
    case 0:
      opener_held_ = true;
      return Status::Ok();
    case ETIMEDOUT:
      return Status::Unavailable("the database is locked (another process kept opening it for " +
                                 std::to_string(timeout_ms) + " ms)");
    default:
      return Status::Unavailable(Errno("the openers' lock failed", rc));
  }
}

void WriterLock::UnlockOpeners() {
  opener_held_ = false;
  pthread_mutex_unlock(&shared_->opener);
}

Status WriterLock::TimedOut(int timeout_ms) {
  return Status::Unavailable("the database is locked (another process kept writing for " +
                             std::to_string(timeout_ms) + " ms)");
}

bool WriterLock::TryLock() {
  int rc = pthread_mutex_trylock(&shared_->mutex);
  if (rc == EOWNERDEAD) {
    pthread_mutex_consistent(&shared_->mutex);
    rc = 0;
  }
  held_ = rc == 0;
  return held_;
}

void WriterLock::Unlock() {
  held_ = false;
  pthread_mutex_unlock(&shared_->mutex);
  // Sequentially consistent with WaitRelease's count of waiters: either
  // this load sees the waiter, or the waiter's futex call sees the new count.
  shared_->releases.fetch_add(1);
  if (shared_->waiters.load() != 0) {
    // Not FUTEX_PRIVATE: the waiters are other processes sharing the page.
    syscall(SYS_futex, &shared_->releases, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
  }
}

uint32_t WriterLock::Releases() const { return shared_->releases.load(); }

void WriterLock::WaitRelease(uint32_t seen, int timeout_ms) {
  if (timeout_ms <= 0) return;
  struct timespec timeout;
  timeout.tv_sec = timeout_ms / 1000;
  timeout.tv_nsec = static_cast<long>(timeout_ms % 1000) * 1000000;
  shared_->waiters.fetch_add(1);
  // Returns at once when the count is no longer `seen`.
  syscall(SYS_futex, &shared_->releases, FUTEX_WAIT, seen, &timeout, nullptr, 0);
  shared_->waiters.fetch_sub(1);
}

}  // namespace dlr
