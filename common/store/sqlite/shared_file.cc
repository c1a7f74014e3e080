#include "common/store/sqlite/shared_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace dlr {
namespace {

std::string Errno(const std::string& what, int err) { return what + ": " + std::strerror(err); }

}  // namespace

StatusOr<void*> MapSharedFile(const std::string& path, const std::string& like, off_t offset,
                              size_t size, uint64_t want,
                              const std::function<Status(void* region, bool fresh)>& init) {
  struct stat db_st;
  mode_t mode = 0600;
  const bool have_db = stat(like.c_str(), &db_st) == 0;
  if (have_db) mode = db_st.st_mode & 0666;
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Status::Unavailable(Errno("cannot open " + path, errno));
  // As SQLite does for -wal and -shm: a file root creates (dlrctl init) belongs
  // to the database's owner, so that the responders can open it too.
  if (have_db && geteuid() == 0) {
    struct stat st;
    if (fstat(fd, &st) == 0 && (st.st_uid != db_st.st_uid || st.st_gid != db_st.st_gid)) {
      // On failure the file stays root's: root still uses it; the
      // responders that cannot open it write without it (see the callers).
      (void)!fchown(fd, db_st.st_uid, db_st.st_gid);
    }
  }
  // One process initialises the region; the others wait here until it has.
  if (flock(fd, LOCK_EX) != 0) {
    int err = errno;
    close(fd);
    return Status::Unavailable(Errno("cannot lock " + path, err));
  }
  const off_t end = offset + static_cast<off_t>(size);
  struct stat st;
  Status failed = Status::Ok();
  if (fstat(fd, &st) != 0) {
    failed = Status::Unavailable(Errno("cannot read " + path, errno));
  } else if (st.st_size < end && ftruncate(fd, end) != 0) {
    failed = Status::Unavailable(Errno("cannot size " + path, errno));
  } else {
    // The region's blocks are allocated now: a store to a page of a sparse
    // file that the full disk cannot back is a SIGBUS, not an error.
    int rc = posix_fallocate(fd, offset, static_cast<off_t>(size));
    if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
      failed = Status::Unavailable(Errno("cannot allocate " + path, rc));
    }
  }
  void* map = MAP_FAILED;
  if (failed.ok()) {
    map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
    if (map == MAP_FAILED) failed = Status::Unavailable(Errno("cannot map " + path, errno));
  }
  if (failed.ok()) {
    auto* magic = static_cast<std::atomic<uint64_t>*>(map);
    const bool fresh = magic->load(std::memory_order_acquire) != want;
    failed = init(map, fresh);
    if (failed.ok() && fresh) magic->store(want, std::memory_order_release);
  }
  flock(fd, LOCK_UN);
  close(fd);  // the mapping stays
  if (!failed.ok()) {
    if (map != MAP_FAILED) munmap(map, size);
    return failed;
  }
  return map;
}

Status InitSharedRobustMutex(pthread_mutex_t* mutex, const std::string& what, bool in_turn) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  if (in_turn) pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
  int rc = pthread_mutex_init(mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  if (rc != 0) return Status::Unavailable(Errno("cannot set up " + what, rc));
  return Status::Ok();
}

}  // namespace dlr
