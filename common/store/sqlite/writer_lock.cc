#include "common/store/sqlite/writer_lock.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

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
  struct stat db_st;
  mode_t mode = 0600;
  const bool have_db = stat(like.c_str(), &db_st) == 0;
  if (have_db) mode = db_st.st_mode & 0666;
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Status::Unavailable(Errno("cannot open the writers' lock " + path, errno));
  // As SQLite does for -wal and -shm: a file root creates (dlrctl init) belongs
  // to the database's owner, so that the responders can open it too.
  if (have_db && geteuid() == 0) {
    struct stat lock_st;
    if (fstat(fd, &lock_st) == 0 &&
        (lock_st.st_uid != db_st.st_uid || lock_st.st_gid != db_st.st_gid)) {
      // On failure the file stays root's: root still uses it; the
      // responders that cannot open it write without it (see Open's caller).
      (void)!fchown(fd, db_st.st_uid, db_st.st_gid);
    }
  }
  // One process initialises the file; the others wait here until it has.
  if (flock(fd, LOCK_EX) != 0) {
    int err = errno;
    close(fd);
    return Status::Unavailable(Errno("cannot lock " + path, err));
  }
  struct stat st;
  Status failed = Status::Ok();
  if (fstat(fd, &st) != 0) {
    failed = Status::Unavailable(Errno("cannot read " + path, errno));
  } else if (static_cast<size_t>(st.st_size) < kFileSize && ftruncate(fd, kFileSize) != 0) {
    failed = Status::Unavailable(Errno("cannot size " + path, errno));
  }
  void* map = MAP_FAILED;
  if (failed.ok()) {
    map = mmap(nullptr, kFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) failed = Status::Unavailable(Errno("cannot map " + path, errno));
  }
  if (failed.ok()) {
    Shared* shared = static_cast<Shared*>(map);
    if (shared->magic.load(std::memory_order_acquire) != kMagic) {
      pthread_mutexattr_t attr;
      pthread_mutexattr_init(&attr);
      pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
      pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
      int rc = pthread_mutex_init(&shared->mutex, &attr);
      pthread_mutexattr_destroy(&attr);
      if (rc != 0) {
        failed = Status::Unavailable(Errno("cannot set up the writers' lock " + path, rc));
      } else {
        shared->magic.store(kMagic, std::memory_order_release);
      }
    }
  }
  flock(fd, LOCK_UN);
  close(fd);  // the mapping stays
  if (!failed.ok()) {
    if (map != MAP_FAILED) munmap(map, kFileSize);
    return failed;
  }
  return std::unique_ptr<WriterLock>(new WriterLock(static_cast<Shared*>(map)));
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

void WriterLock::Unlock() {
  held_ = false;
  pthread_mutex_unlock(&shared_->mutex);
}

}  // namespace dlr
