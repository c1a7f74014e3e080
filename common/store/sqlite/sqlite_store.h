// The embedded default backend: one SQLite file in WAL mode, commits durable
// (synchronous=FULL) before they return. The processes writing one file take
// turns through a WriterLock (writer_lock.h) beside it, and a busy timeout
// covers the programs that do not take it. A commit outside the group
// commit's turn (a CGI request, a --threads 1 or mod_fcgid process, a group
// of one caller) that finds the lock taken hands its batches to the holder's
// next transaction through the CommitQueue (commit_queue.h) in the same file
// and waits, without the lock, until that transaction has finished them or
// the lock is free; so the processes of one file share fsyncs as the threads
// of one process do. Owns one connection; used by one thread.
//
// With StoreOptions::one_request_per_process (CGI), closing the connection
// does not checkpoint: SQLite's last connection to close otherwise copies the
// WAL into the database, syncs it and deletes the WAL, and the next request
// re-creates it (measured: five fsyncs per stored DLR instead of two). The
// WAL stays beside the database instead, and a commit that leaves it at
// kOneShotCheckpointFrames frames or more checkpoints and truncates it,
// before it lets the writers' lock go. The connection is opened under the
// openers' lock (WriterLock::LockOpeners), which a checkpoint takes too: so
// processes started together never back off in SQLite's sleeps.
#ifndef DLR_COMMON_STORE_SQLITE_SQLITE_STORE_H_
#define DLR_COMMON_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "common/store/sqlite/commit_queue.h"
#include "common/store/sqlite/writer_lock.h"
#include "common/store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace dlr {

// WAL size (pages) at which a one-request-per-process store checkpoints. Each
// new process reads the whole WAL once as it opens (SQLite rebuilds the WAL
// index: measured ~1.6 us a page), and a checkpoint costs two fsyncs; 128
// pages (512 KiB, about 18 single-DLR requests) keeps both near 0.1 ms a request.
inline constexpr int kOneShotCheckpointFrames = 128;

class SqliteStore : public Store {
 public:
  SqliteStore(std::string path, const StoreOptions& options);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status EnsureSchema() override;
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override;
  Status RecordRejected(const Rejected& rejected) override;
  // Takes and releases the WriterLock (see StoreWriter); nothing to take
  // for a database without one (":memory:", a URI). A commit in the turn
  // also takes the batches other processes published in the queue.
  Status BeginTurn() override;
  void EndTurn() override;

  // Ping opens the file read-only on a connection of its own (NotFound when
  // it does not exist; nothing is created). QueryEach holds a read
  // transaction while it steps: the responders keep writing meanwhile (WAL),
  // though the WAL cannot be checkpointed past it until it ends.
  StatusOr<int> Ping() override;
  StatusOr<SchemaReport> Migrate() override;
  Status QueryEach(const std::string& sql, const std::vector<std::string>& params,
                   const RowCallback& each) override;
  StatusOr<int64_t> Execute(const std::string& sql,
                            const std::vector<std::string>& params) override;
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  // What the commit queue did for this store's commits.
  struct SharedStats {
    uint64_t led = 0;          // commits this store led (its own batches, and others')
    uint64_t joined = 0;       // commits of its own another process's transaction held
    uint64_t slots_taken = 0;  // other processes' slots its transactions held
  };
  SharedStats shared_stats() const { return shared_stats_; }

 private:
  Status Connect();  // no-op when connected
  void Disconnect();
  Status Exec(const char* sql);
  Status Prepare(const char* sql, sqlite3_stmt** stmt);
  // Runs one of the prepared transaction statements (begin_, commit_,
  // rollback_): the same as Exec of its text without parsing it again.
  Status Step(sqlite3_stmt* st, const char* what);
  // Rolls back an open transaction, if any (nothing to report: the caller
  // already fails).
  void RollbackIfOpen();
  Status ReadSchemaVersion(int* version);
  Status NewerSchema(int version);
  // Prepares `sql` (not kept) and binds `params` as text.
  Status PrepareWith(const std::string& sql, const std::vector<std::string>& params,
                     sqlite3_stmt** stmt);
  // The Status for a failed call whose result code is `rc`; marks the
  // connection to be reopened by the next call when it cannot be trusted.
  Status Fail(int rc, const std::string& what);
  // The transaction of Commit, the writers' lock held (or not to be had).
  Status CommitLocked(const std::vector<const Batch*>& batches, std::vector<BatchResult>* results);
  // Commit through the queue: lead a shared commit when the lock is free;
  // else publish the batches and wait for the first of: a leader finished
  // them (Poll), or the lock is free (this process leads). Waits on the
  // lock's release count, woken by each release, looking again every
  // kQueuePollMs in case a holder died or is of an older version.
  Status CommitShared(CommitQueue* queue, const std::vector<const Batch*>& batches,
                      std::vector<BatchResult>* results);
  // Holding the writers' lock: commits `own` with every batch published in
  // the queue, and finishes their slots.
  Status Lead(CommitQueue* queue, const std::vector<const Batch*>& own,
              std::vector<BatchResult>* results);
  Status InsertEvent(const Batch& batch, const Dlr& dlr, bool* inserted);
  Status UpsertMessage(const Batch& batch, const Dlr& dlr);
  // After a commit, in one-request-per-process mode, holding the writers'
  // lock: checkpoints and truncates the WAL when it has grown to
  // kOneShotCheckpointFrames, unless a process is opening the database.
  void CheckpointIfDue();
  // Lets the openers' lock go when Connect holds it.
  void ReleaseOpeners();
  // The lock that orders the writers of this file across processes, opened on
  // the first write (in one-request-per-process mode, as the connection
  // opens); nullptr for an in-memory database or when it cannot be had
  // (logged once: the writers are then ordered by the busy timeout alone).
  WriterLock* WriterLockOrNull();
  // The lock a write must take itself: none while BeginTurn holds it.
  WriterLock* LockToTake() { return turn_held_ || leading_ ? nullptr : WriterLockOrNull(); }
  // The commit queue in the writers' lock file; nullptr without a lock,
  // with shared_commit off, or when it cannot be had (logged once).
  CommitQueue* QueueOrNull();

  const std::string path_;
  const StoreOptions options_;
  sqlite3* db_ = nullptr;
  bool reconnect_ = false;  // a failure left the connection untrustworthy
  int wal_frames_ = 0;      // frames in the WAL after this connection's last commit
  int schema_found_ = -1;   // the version the last schema check found
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* upsert_message_ = nullptr;
  sqlite3_stmt* insert_rejected_ = nullptr;
  // BEGIN IMMEDIATE, COMMIT, ROLLBACK: every commit runs two of them.
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  std::unique_ptr<WriterLock> writer_lock_;
  bool writer_lock_tried_ = false;
  bool turn_held_ = false;     // the group commit's turn holds writer_lock_
  bool leading_ = false;       // Lead holds writer_lock_
  bool openers_held_ = false;  // Connect holds writer_lock_'s openers' lock
  std::unique_ptr<CommitQueue> queue_;
  SharedStats shared_stats_;
  bool queue_tried_ = false;
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_SQLITE_SQLITE_STORE_H_
