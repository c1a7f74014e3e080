// WriterLock: the order among the processes that write one SQLite file.
//
// SQLite lets one connection write at a time; another one that finds the
// file locked sleeps in its busy handler (1 ms, then longer) and tries again,
// and nothing wakes it when the lock is freed. With several responder
// processes on one file (spawn-fcgi -F N, mod_fcgid, CGI) most of a writer's
// wait was those sleeps, and the unlucky ones starved (p99 of 37-121 ms with
// two processes). A WriterLock is a mutex shared by every process that opens
// the same lock file beside the database (`<database>-writer`): a writer
// waits for it in the kernel and is woken the moment the holder lets go, so
// SQLite's own lock is always free when the transaction begins.
//
// It is a robust, process-shared pthread mutex in a small file mapped by each
// process: a holder that dies (kill -9) does not leave it locked; the next
// waiter takes it over (SQLite rolls the dead writer's transaction back from
// its WAL on its own). Processes that do not take it (sqlite3, dlrctl purge)
// are still ordered by SQLite's busy timeout, as before.
//
// Besides the mutex, the page counts its releases: a process that waits for
// something a holder does before it lets go (the commit queue's outcome,
// commit_queue.h) waits on that count (a futex) and is woken by the release,
// without taking the lock itself.
//
// Thread safety: Lock/Unlock may be called from any thread; one WriterLock
// object is meant for the one connection that writes (a store is used by one
// thread at a time).
#ifndef DLR_COMMON_STORE_SQLITE_WRITER_LOCK_H_
#define DLR_COMMON_STORE_SQLITE_WRITER_LOCK_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/base/status.h"

namespace dlr {

class WriterLock {
 public:
  // Opens the lock file `path`, creating and initialising it when it is
  // missing (with the permissions of `like`, the database file, when it
  // exists, else 0600; run as root, also with its owner and group). Unavailable, with the reason,
  // when it cannot be created or mapped: the caller then writes without it.
  static StatusOr<std::unique_ptr<WriterLock>> Open(const std::string& path,
                                                    const std::string& like);
  // Releases the lock when it is still held, then unmaps it. (A robust
  // mutex stays on its holder thread's robust list while held: unmapping a
  // held one would leave that list pointing at unmapped memory, and the
  // thread's next robust lock would write there.)
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

  // Waits at most `timeout_ms` for the lock. Unavailable when another
  // writer held it all that time. Ok when the previous holder died holding
  // it (it is taken over).
  Status Lock(int timeout_ms);
  // Takes the lock when it is free (or its holder died); false at once when
  // another writer holds it.
  bool TryLock();
  // Releases a lock this thread holds, and wakes whoever waits in
  // WaitRelease.
  void Unlock();

  // The openers' lock, a second mutex in the same page, apart from the
  // writers': a process that opens the database while no other has it open
  // rebuilds SQLite's WAL index in its first read, holding SQLite's locks,
  // and another process's read in the meantime backs off in sleeps. A
  // one-request process (CGI) holds this lock while it opens the database,
  // so that they wait in the kernel instead, and not behind the writers'
  // fsyncs.
  // (A process with the database open keeps the index alive: the rebuild
  // only ever meets other openers.) A checkpoint takes it too (without
  // waiting). It is handed over in turn (InitSharedRobustMutex's `in_turn`):
  // of 20 CGI processes started together none is passed over. Waits at most
  // `timeout_ms`; Unavailable as Lock. Taken after the writers' lock, never
  // before it.
  Status LockOpeners(int timeout_ms);
  void UnlockOpeners();

  // How many times the lock was released (wrapping). Read it before looking
  // at whatever the wait is for, then pass it to WaitRelease: a release in
  // between makes the wait return at once, so none is missed.
  uint32_t Releases() const;
  // Waits until the lock is released after `seen` = Releases(), at most
  // `timeout_ms`; returns early, too, on a signal or a spurious wake. A
  // holder that dies, or one of a version without this counter, wakes
  // nobody: callers wait with a short timeout and look again.
  void WaitRelease(uint32_t seen, int timeout_ms);

  // What Lock answers when another writer held the lock for `timeout_ms`
  // (Unavailable: 503, the platform retries); for other waits on it, too.
  static Status TimedOut(int timeout_ms);

  // The lock file's name for the database `path`. The file's first page is
  // the lock; the shared commit queue (commit_queue.h) follows it.
  static std::string PathFor(const std::string& database_path);

 private:
  struct Shared;
  explicit WriterLock(Shared* shared) : shared_(shared) {}
  Shared* shared_;            // mapped; unmapped by the destructor
  bool held_ = false;         // by this object (its one writing thread)
  bool opener_held_ = false;  // the openers' lock, by this object
};

// Holds a WriterLock (when there is one) for a scope.
class WriterLockScope {
 public:
  explicit WriterLockScope(WriterLock* lock) : lock_(lock) {}
  ~WriterLockScope() {
    if (held_) lock_->Unlock();
  }
  WriterLockScope(const WriterLockScope&) = delete;
  WriterLockScope& operator=(const WriterLockScope&) = delete;

  // Ok at once without a lock.
  Status Acquire(int timeout_ms) {
    if (!lock_) return Status::Ok();
    Status s = lock_->Lock(timeout_ms);
    held_ = s.ok();
    return s;
  }

 private:
  WriterLock* lock_;
  bool held_ = false;
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_SQLITE_WRITER_LOCK_H_
