#include "common/store/sqlite/writer_lock.h"

#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

#include <atomic>
#include <cerrno>
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
};

std::string WriterLock::PathFor(const std::string& database_path) {
  return database_path + "-writer";
}

static_assert(sizeof(pthread_mutex_t) + sizeof(uint64_t) * 2 <= kFileSize,
              "the lock fits its file");

StatusOr<std::unique_ptr<WriterLock>> WriterLock::Open(const std::string& path,
                                                       const std::string& like) {
  StatusOr<void*> map = MapSharedFile(path, like, 0, kFileSize, kMagic, [&](void* region) {
    Shared* shared = static_cast<Shared*>(region);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    int rc = pthread_mutex_init(&shared->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) return Status::Unavailable(Errno("cannot set up the writers' lock " + path, rc));
    return Status::Ok();
  });
  if (!map.ok()) return map.status();
  return std::unique_ptr<WriterLock>(new WriterLock(static_cast<Shared*>(map.value())));
}

WriterLock::~WriterLock() {
  if (held_) Unlock();
  munmap(shared_, kFileSize);
}

Status WriterLock::Lock(int timeout_ms) {
  int rc = pthread_mutex_trylock(&shared_->mutex);
  if (rc == EBUSY) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    int64_t ns = deadline.tv_nsec + static_cast<int64_t>(timeout_ms < 0 ? 0 : timeout_ms) * 1000000;
    deadline.tv_sec += static_cast<time_t>(ns / 1000000000);
    deadline.tv_nsec = static_cast<long>(ns % 1000000000);
    rc = pthread_mutex_timedlock(&shared_->mutex, &deadline);
  }
  switch (rc) {
    case 0:
      held_ = true;
      return Status::Ok();
    case EOWNERDEAD:
      // The holder died mid-transaction: SQLite recovers the file itself.
      pthread_mutex_consistent(&shared_->mutex);
      held_ = true;
      return Status::Ok();
    case ETIMEDOUT:
      return Status::Unavailable("the database is locked (another process kept writing for " +
                                 std::to_string(timeout_ms) + " ms)");
    default:
      return Status::Unavailable(Errno("the writers' lock failed", rc));
  }
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
}

}  // namespace dlr
