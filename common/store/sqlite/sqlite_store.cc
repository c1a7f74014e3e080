#include "common/store/sqlite/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "common/base/log.h"
#include "common/store/batch_codec.h"
#include "common/store/event_sql.h"
#include "common/store/sqlite/writer_lock.h"

namespace dlr {
namespace {

// Migrations: kMigrations[v - 1] takes the schema from version v - 1 to v,
// inside the transaction that then records v in PRAGMA user_version.
const char kSchemaV1[] = R"sql(
CREATE TABLE IF NOT EXISTS dlr_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL, mobile TEXT, status TEXT NOT NULL, credits TEXT, units TEXT,
  deliv_time TEXT, sent_time TEXT, submit_time TEXT,
  deliv_at TEXT, sent_at TEXT, submit_at TEXT,
  cid TEXT, custom TEXT, custom1 TEXT, custom2 TEXT,
  location TEXT, region TEXT, provider TEXT,
  location_code TEXT, region_code TEXT, provider_code TEXT,
  webhook TEXT NOT NULL, raw TEXT NOT NULL, received_at TEXT NOT NULL, query TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS dlr_events_event
  ON dlr_events(id, status, COALESCE(deliv_time, ''));
CREATE INDEX IF NOT EXISTS dlr_events_received_at ON dlr_events(received_at);
CREATE TABLE IF NOT EXISTS dlr_messages (
  id TEXT PRIMARY KEY NOT NULL, webhook TEXT NOT NULL, status TEXT NOT NULL,
  final INTEGER NOT NULL, delivered INTEGER NOT NULL,
  deliv_time TEXT, sent_time TEXT, submit_time TEXT,
  deliv_at TEXT, sent_at TEXT, submit_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dlr_rejected (
  seq INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL, webhook TEXT, remote_addr TEXT,
  http_status INTEGER NOT NULL, error TEXT NOT NULL, reason TEXT NOT NULL,
  content_type TEXT, raw BLOB
);
CREATE INDEX IF NOT EXISTS dlr_rejected_received_at ON dlr_rejected(received_at);
)sql";

const char kSchemaV2[] = R"sql(
ALTER TABLE dlr_rejected ADD COLUMN method TEXT;
ALTER TABLE dlr_rejected ADD COLUMN query TEXT;
ALTER TABLE dlr_rejected ADD COLUMN replayed_at TEXT;
ALTER TABLE dlr_rejected ADD COLUMN replay_status INTEGER;
CREATE INDEX IF NOT EXISTS dlr_messages_updated_at ON dlr_messages(updated_at);
)sql";

const char kSchemaV3[] = R"sql(
CREATE INDEX IF NOT EXISTS dlr_events_webhook_received_at ON dlr_events(webhook, received_at);
)sql";

// The platform's error code, and each event's class: for the rows stored
// before, by their status text as StatusTextClass (record.h) reads it
// (trimmed of JSON whitespace, ASCII case ignored).
const char kSchemaV4[] = R"sql(
ALTER TABLE dlr_events ADD COLUMN error_code TEXT;
ALTER TABLE dlr_events ADD COLUMN dlr_class TEXT;
UPDATE dlr_events SET dlr_class = CASE upper(trim(status, char(32, 9, 10, 13)))
  WHEN 'DELIVRD' THEN 'delivered' WHEN 'AWAITING-DLR' THEN 'pending' ELSE 'failed' END;
)sql";

const char* const kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4};
static_assert(sizeof kMigrations / sizeof kMigrations[0] == kSchemaVersion,
              "one migration per schema version");

// The statements of the writes, prepared on each connection; their column
// lists are event_sql.h's. Built once, by the first connection.
struct Statements {
  std::string insert_event = InsertEventSql(SqlDialect::kSqlite) + " ON CONFLICT DO NOTHING";
  std::string upsert_message =
      InsertMessageSql(SqlDialect::kSqlite) + MessageConflictSql("dlr_messages");
  std::string insert_rejected = InsertRejectedSql(SqlDialect::kSqlite);
};

const Statements& Sql() {
  static const Statements statements;
  return statements;
}

int BindText(sqlite3_stmt* st, int index, const std::string& v) {
  return sqlite3_bind_text(st, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

int BindOptional(sqlite3_stmt* st, int index, const std::optional<std::string>& v) {
  return v ? BindText(st, index, *v) : sqlite3_bind_null(st, index);
}

// sqlite3_wal_hook callback: remembers the WAL size after each commit. (A WAL
// hook replaces SQLite's auto-checkpoint, which CheckpointIfDue stands in for.)
int RecordWalFrames(void* frames, sqlite3*, const char*, int n) {
  *static_cast<int*>(frames) = n;
  return SQLITE_OK;
}

// Resets a statement when the scope ends, whatever happened.
class StmtReset {
 public:
  explicit StmtReset(sqlite3_stmt* st) : st_(st) {}
  ~StmtReset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }

 private:
  sqlite3_stmt* st_;
};

}  // namespace

SqliteStore::SqliteStore(std::string path, const StoreOptions& options)
    : path_(std::move(path)), options_(options) {}

SqliteStore::~SqliteStore() { Disconnect(); }

void SqliteStore::Disconnect() {
  sqlite3_finalize(insert_event_);
  sqlite3_finalize(upsert_message_);
  sqlite3_finalize(insert_rejected_);
  sqlite3_finalize(begin_);
  sqlite3_finalize(commit_);
  sqlite3_finalize(rollback_);
  insert_event_ = upsert_message_ = insert_rejected_ = nullptr;
  begin_ = commit_ = rollback_ = nullptr;
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status SqliteStore::Fail(int rc, const std::string& what) {
  int primary = rc & 0xff;
  std::string msg = what + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the database is locked (" + msg + ")");
    case SQLITE_FULL:
      return Status::Unavailable("the disk is full (" + msg + ")");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
      reconnect_ = true;
      return Status::Unavailable(msg);
    default:
      reconnect_ = true;
      return Status::Internal(msg);
  }
}

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (!db_) return Status::Unavailable("the database is not open");
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return Fail(rc, "sqlite");
  return Status::Ok();
}

Status SqliteStore::Prepare(const char* sql, sqlite3_stmt** stmt) {
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr);
  if (rc != SQLITE_OK) return Fail(rc, "preparing a statement");
  return Status::Ok();
}

Status SqliteStore::Step(sqlite3_stmt* st, const char* what) {
  if (!db_ || !st) return Status::Unavailable("the database is not open");
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return Fail(rc, what);
  return Status::Ok();
}

void SqliteStore::RollbackIfOpen() {
  if (!db_ || sqlite3_get_autocommit(db_)) return;
  if (rollback_) {
    sqlite3_step(rollback_);
    sqlite3_reset(rollback_);
  }
  // A ROLLBACK can fail while a statement is still running; the text form
  // is the last resort (it also serves before the statements are prepared).
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status SqliteStore::Connect() {
  if (reconnect_) {
    Disconnect();
    reconnect_ = false;
  }
  if (db_) return Status::Ok();
  int rc =
      sqlite3_open_v2(path_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Status::Unavailable("cannot open the database " + path_ + ": " +
                                   (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
    Disconnect();
    return s;
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  // A CGI process opens under the openers' lock: the first process to open
  // the file after none had it open rebuilds the WAL index in its first
  // read, and a checkpoint (CheckpointIfDue) holds SQLite's locks too; the
  // others' reads wait for them in the kernel instead of backing off in
  // SQLite's sleeps. Let go at the end of Connect, or before a migration
  // takes the writers' lock (the writers' lock comes first).
  struct Openers {
    SqliteStore* store;
    ~Openers() { store->ReleaseOpeners(); }
  } openers{this};
  if (options_.one_request_per_process) {
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_wal_hook(db_, RecordWalFrames, &wal_frames_);
    if (WriterLock* lock = WriterLockOrNull()) {
      Status held = lock->LockOpeners(options_.busy_timeout_ms);
      if (!held.ok()) {
        Disconnect();
        return held;
      }
      openers_held_ = true;
    }
  }
  // WAL lets readers (dlrctl, sqlite3) work beside the writers; FULL makes
  // every commit durable before it returns.
  Status s = Exec("PRAGMA journal_mode=WAL");
  if (s.ok()) s = Exec("PRAGMA synchronous=FULL");
  // 1 MiB of page cache (SQLite's default is 2 MiB): inserts touch the right
  // edge of most indexes and one leaf of the others; a miss is a read from
  // the OS page cache, and the responder stays small.
  if (s.ok()) s = Exec("PRAGMA cache_size=-1024");
  if (s.ok()) s = EnsureSchema();
  if (s.ok()) s = Prepare(Sql().insert_event.c_str(), &insert_event_);
  if (s.ok()) s = Prepare(Sql().upsert_message.c_str(), &upsert_message_);
  if (s.ok()) s = Prepare(Sql().insert_rejected.c_str(), &insert_rejected_);
  if (s.ok()) s = Prepare("BEGIN IMMEDIATE", &begin_);
  if (s.ok()) s = Prepare("COMMIT", &commit_);
  if (s.ok()) s = Prepare("ROLLBACK", &rollback_);
  if (!s.ok()) Disconnect();
  reconnect_ = false;
  return s;
}

Status SqliteStore::ReadSchemaVersion(int* version) {
  sqlite3_stmt* st = nullptr;
  Status s = Prepare("PRAGMA user_version", &st);
  if (!s.ok()) return s;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return Fail(rc, "reading the schema version");
  return Status::Ok();
}

Status SqliteStore::NewerSchema(int version) {
  reconnect_ = true;
  return Status::Internal("the database schema is version " + std::to_string(version) +
                          ", newer than this program knows (" + std::to_string(kSchemaVersion) +
                          "); upgrade dlr-webhook");
}

Status SqliteStore::EnsureSchema() {
  if (!db_) return Connect();  // Connect ensures the schema
  int version = 0;
  Status s = ReadSchemaVersion(&version);
  if (!s.ok()) return s;
  schema_found_ = version;
  if (version == kSchemaVersion) return Status::Ok();
  if (version > kSchemaVersion) return NewerSchema(version);
  // One process migrates; the version is read again under the write lock,
  // since another one may have migrated since.
  ReleaseOpeners();
  WriterLockScope order(LockToTake());
  s = order.Acquire(options_.busy_timeout_ms);
  if (s.ok()) s = Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  s = ReadSchemaVersion(&version);
  if (s.ok()) {
    schema_found_ = version;
    if (version > kSchemaVersion) s = NewerSchema(version);
  }
  for (int v = version + 1; s.ok() && v <= kSchemaVersion; ++v) s = Exec(kMigrations[v - 1]);
  if (s.ok() && version < kSchemaVersion) {
    s = Exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
  }
  if (s.ok()) s = Exec("COMMIT");
  if (!s.ok() && db_ && !sqlite3_get_autocommit(db_)) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return s;
}

Status SqliteStore::InsertEvent(const Batch& batch, const Dlr& dlr, bool* inserted) {
  sqlite3_stmt* st = insert_event_;
  StmtReset reset(st);
  int rc = SQLITE_OK;
  for (size_t i = 0; i < kFieldCount && rc == SQLITE_OK; ++i) {
    rc = BindOptional(st, static_cast<int>(i + 1), dlr.values[i]);
  }
  auto at = [](size_t value) { return static_cast<int>(value + 1); };  // binds count from 1
  if (rc == SQLITE_OK) {
    const char* dlr_class = DlrClassName(ClassOf(dlr));
    rc = sqlite3_bind_text(st, at(kEventClassValue), dlr_class, -1, SQLITE_STATIC);
  }
  if (rc == SQLITE_OK) rc = BindText(st, at(kEventWebhookValue), batch.webhook);
  if (rc == SQLITE_OK) rc = BindText(st, at(kEventRawValue), dlr.raw);
  if (rc == SQLITE_OK) rc = BindText(st, at(kEventReceivedAtValue), batch.received_at);
  if (rc == SQLITE_OK) {
    rc = batch.query.empty() ? sqlite3_bind_null(st, at(kEventQueryValue))
                             : BindText(st, at(kEventQueryValue), batch.query);
  }
  if (rc != SQLITE_OK) return Fail(rc, "binding an event");
  rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) return Fail(rc, "inserting an event");
  *inserted = sqlite3_changes(db_) == 1;
  return Status::Ok();
}

Status SqliteStore::UpsertMessage(const Batch& batch, const Dlr& dlr) {
  sqlite3_stmt* st = upsert_message_;
  StmtReset reset(st);
  const std::string& status = *dlr.Get(Field::kStatus);
  int rc = BindOptional(st, 1, dlr.Get(Field::kId));
  if (rc == SQLITE_OK) rc = BindText(st, 2, batch.webhook);
  if (rc == SQLITE_OK) rc = BindText(st, 3, status);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int(st, 4, DlrIsFinal(dlr) ? 1 : 0);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int(st, 5, DlrIsDelivered(dlr) ? 1 : 0);
  int index = 6;
  for (Field time : kMessageTimes) {
    if (rc == SQLITE_OK) rc = BindOptional(st, index++, dlr.Get(time));
  }
  if (rc == SQLITE_OK) rc = BindText(st, index, batch.received_at);
  if (rc != SQLITE_OK) return Fail(rc, "binding a message");
  rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) return Fail(rc, "updating a message");
  return Status::Ok();
}

Status SqliteStore::Commit(const std::vector<const Batch*>& batches,
                           std::vector<BatchResult>* results) {
  results->assign(batches.size(), BatchResult());
  Status s = Connect();
  if (!s.ok()) return s;
  CommitQueue* queue = QueueOrNull();
  // The group commit's turn is held: its commit takes the published slots too.
  if (queue && turn_held_) return Lead(queue, batches, results);
  if (queue) return CommitShared(queue, batches, results);
  {
    WriterLockScope order(LockToTake());
    s = order.Acquire(options_.busy_timeout_ms);
    if (s.ok()) s = CommitLocked(batches, results);
    // Before the lock is let go: a checkpoint holds SQLite's write lock,
    // and the next writer would back off in sleeps behind it.
    if (s.ok() && options_.one_request_per_process) CheckpointIfDue();
  }
  return s;
}

Status SqliteStore::CommitLocked(const std::vector<const Batch*>& batches,
                                 std::vector<BatchResult>* results) {
  results->assign(batches.size(), BatchResult());
  Status s = Connect();
  if (s.ok()) s = Step(begin_, "sqlite");
  if (!s.ok()) return s;
  for (size_t b = 0; b < batches.size() && s.ok(); ++b) {
    for (const Dlr& dlr : batches[b]->dlrs) {
      bool inserted = false;
      s = InsertEvent(*batches[b], dlr, &inserted);
      if (s.ok() && inserted) s = UpsertMessage(*batches[b], dlr);
      if (!s.ok()) break;
      ++(inserted ? (*results)[b].stored : (*results)[b].duplicates);
    }
  }
  if (s.ok()) s = Step(commit_, "sqlite");
  if (!s.ok()) {
    RollbackIfOpen();
    results->assign(batches.size(), BatchResult());
  }
  return s;
}

namespace {

// The outcome another process's commit wrote for `count` batches.
Status ReadOutcome(const std::string& bytes, size_t count, std::vector<BatchResult>* results) {
  StatusOr<CommitOutcome> outcome = DecodeOutcome(bytes);
  if (!outcome.ok()) {
    return Status::Internal("the shared commit's outcome cannot be read: " +
                            outcome.status().message());
  }
  if (outcome.value().results.size() != count) {
    return Status::Internal("the shared commit returned " +
                            std::to_string(outcome.value().results.size()) + " results for " +
                            std::to_string(count) + " batches");
  }
  if (outcome.value().status.ok()) *results = std::move(outcome.value().results);
  return outcome.value().status;
}

std::string OutcomeBytes(const Status& status, std::vector<BatchResult> results) {
  CommitOutcome outcome{status, std::move(results)};
  std::string bytes;
  EncodeOutcome(outcome, &bytes);
  return bytes;
}

}  // namespace

namespace {

// How long a writer waiting on the queue sleeps before it looks again when no
// release wakes it: a holder that died, or one of an older version, wakes
// nobody.
constexpr int kQueuePollMs = 10;

int MsUntil(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

Status SqliteStore::CommitShared(CommitQueue* queue, const std::vector<const Batch*>& batches,
                                 std::vector<BatchResult>* results) {
  WriterLock* lock = writer_lock_.get();
  CommitQueue::Ticket ticket;
  bool published = false;
  // Whatever happens below (an allocation may throw), the lock is let go.
  struct Unlock {
    void operator()(WriterLock* held) const { held->Unlock(); }
  };
  std::unique_ptr<WriterLock, Unlock> unlock;
  if (lock->TryLock()) {
    unlock.reset(lock);
  } else {
    // Another process is writing: publish the batches for its next commit.
    std::string bytes;
    EncodeBatches(batches, &bytes);
    published = queue->Publish(bytes, &ticket);
    Status s;
    if (!published) {
      s = lock->Lock(options_.busy_timeout_ms);  // commits alone, in turn
    } else {
      // Then wait until a leader has finished the slot, or the lock is free
      // (its holder took what was published before this; this process then
      // leads). Both come with a release of the lock: the leader finishes
      // its slots, then lets go.
      auto deadline =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
      for (;;) {
        uint32_t seen = lock->Releases();
        std::string outcome;
        CommitQueue::State state = queue->Poll(ticket, &outcome);
        if (state == CommitQueue::State::kDone) {
          ++shared_stats_.joined;
          return ReadOutcome(outcome, batches.size(), results);
        }
        if (state == CommitQueue::State::kLost) {
          return Status::Unavailable("the shared commit's outcome was lost (its slot was reused)");
        }
        if (lock->TryLock()) break;
        int left = MsUntil(deadline);
        if (left == 0) {
          s = WriterLock::TimedOut(options_.busy_timeout_ms);
          break;
        }
        lock->WaitRelease(seen, std::min(left, kQueuePollMs));
      }
    }
    if (!s.ok()) {
      std::string outcome;
      if (published && queue->Withdraw(ticket, &outcome) == CommitQueue::State::kDone) {
        ++shared_stats_.joined;
        return ReadOutcome(outcome, batches.size(), results);
      }
      // Withdrawn (nothing stored), or being committed by the holder of the
      // lock (stored at most once: the platform's retry is a duplicate).
      return s;
    }
    unlock.reset(lock);
  }
  Status s;
  bool lead = true;
  if (published) {
    std::string outcome;
    switch (queue->Collect(ticket, &outcome)) {
      case CommitQueue::State::kDone:  // finished between the poll and the lock
        s = ReadOutcome(outcome, batches.size(), results);
        lead = false;
        ++shared_stats_.joined;
        break;
      case CommitQueue::State::kLost:
        s = Status::Unavailable("the shared commit's outcome was lost (its slot was reused)");
        lead = false;
        break;
      default:  // no leader took them, or one died with them: this process commits them
        break;
    }
  }
  if (lead) s = Lead(queue, batches, results);
  // Before the lock is let go: a checkpoint holds SQLite's write lock, and
  // the next leader would back off in sleeps behind it.
  if (lead && s.ok() && options_.one_request_per_process) CheckpointIfDue();
  unlock.reset();
  return s;
}

Status SqliteStore::Lead(CommitQueue* queue, const std::vector<const Batch*>& own,
                         std::vector<BatchResult>* results) {
  // A reconnect's schema check must not wait for the lock held here.
  leading_ = true;
  struct Led {
    bool* leading;
    ~Led() { *leading = false; }
  } led{&leading_};
  std::vector<CommitQueue::Taken> taken = queue->TakePending();
  ++shared_stats_.led;
  if (taken.empty()) return CommitLocked(own, results);  // most commits
  std::vector<std::vector<Batch>> theirs;
  std::vector<int> slots;  // theirs[i] came from slots[i]
  theirs.reserve(taken.size());
  std::vector<const Batch*> all(own);
  for (const CommitQueue::Taken& t : taken) {
    StatusOr<std::vector<Batch>> decoded = DecodeBatches(t.bytes);
    if (!decoded.ok()) {
      queue->Finish(t.slot,
                    OutcomeBytes(Status::Internal("the shared commit cannot read batches: " +
                                                  decoded.status().message()),
                                 {}));
      continue;
    }
    theirs.push_back(std::move(decoded).value());
    slots.push_back(t.slot);
    for (const Batch& b : theirs.back()) all.push_back(&b);
  }
  shared_stats_.slots_taken += theirs.size();
  std::vector<BatchResult> all_results;
  Status s = CommitLocked(all, &all_results);
  if (!s.ok() && s.code() != StatusCode::kUnavailable && !theirs.empty()) {
    // Not transient, and maybe one sender's fault: each its own transaction,
    // so that one bad batch fails only its sender.
    s = CommitLocked(own, results);
    for (size_t i = 0; i < theirs.size(); ++i) {
      std::vector<const Batch*> batches;
      for (const Batch& b : theirs[i]) batches.push_back(&b);
      std::vector<BatchResult> r;
      Status si = CommitLocked(batches, &r);
      queue->Finish(slots[i], OutcomeBytes(si, std::move(r)));
    }
  } else {
    size_t next = own.size();
    results->assign(all_results.begin(), all_results.begin() + static_cast<long>(own.size()));
    for (size_t i = 0; i < theirs.size(); ++i) {
      auto first = all_results.begin() + static_cast<long>(next);
      next += theirs[i].size();
      queue->Finish(slots[i],
                    OutcomeBytes(s, std::vector<BatchResult>(
                                        first, all_results.begin() + static_cast<long>(next))));
    }
  }
  return s;
}

Status SqliteStore::BeginTurn() {
  WriterLock* lock = WriterLockOrNull();
  if (!lock || turn_held_) return Status::Ok();
  Status s = lock->Lock(options_.busy_timeout_ms);
  turn_held_ = s.ok();
  return s;
}

void SqliteStore::EndTurn() {
  if (!turn_held_) return;
  turn_held_ = false;
  writer_lock_->Unlock();
}

WriterLock* SqliteStore::WriterLockOrNull() {
  if (writer_lock_tried_) return writer_lock_.get();
  writer_lock_tried_ = true;
  if (path_.empty() || path_ == ":memory:" || path_.compare(0, 5, "file:") == 0) return nullptr;
  StatusOr<std::unique_ptr<WriterLock>> lock = WriterLock::Open(WriterLock::PathFor(path_), path_);
  if (lock.ok()) {
    writer_lock_ = std::move(lock).value();
  } else {
    Log(LogLevel::kWarning, lock.status().message() +
                                " (writing without it: SQLite's busy timeout orders the writers)");
  }
  return writer_lock_.get();
}

CommitQueue* SqliteStore::QueueOrNull() {
  if (queue_tried_) return queue_.get();
  queue_tried_ = true;
  if (!options_.shared_commit || !WriterLockOrNull()) return nullptr;
  StatusOr<std::unique_ptr<CommitQueue>> queue =
      CommitQueue::Open(WriterLock::PathFor(path_), path_);
  if (queue.ok()) {
    queue_ = std::move(queue).value();
  } else {
    Log(LogLevel::kWarning,
        queue.status().message() + " (each process commits its own writes: slower, as safe)");
  }
  return queue_.get();
}

void SqliteStore::ReleaseOpeners() {
  if (!openers_held_) return;
  openers_held_ = false;
  writer_lock_->UnlockOpeners();
}

void SqliteStore::CheckpointIfDue() {
  if (!db_ || wal_frames_ < kOneShotCheckpointFrames) return;
  // Not while a process opens the database (its reads would back off in
  // sleeps behind the checkpoint's locks): a later request checkpoints.
  WriterLock* openers = writer_lock_.get();
  if (openers && !openers->LockOpeners(0).ok()) return;
  struct Unlock {
    WriterLock* lock;
    ~Unlock() {
      if (lock) lock->UnlockOpeners();
    }
  } unlock{openers};
  // The rows are committed: this must not hold the answer up. Without
  // waiting for the other processes (busy timeout 0): when one is reading or
  // writing, a later request checkpoints instead.
  sqlite3_busy_timeout(db_, 0);
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  if (rc == SQLITE_OK) {
    wal_frames_ = 0;
  } else if ((rc & 0xff) != SQLITE_BUSY) {
    Log(LogLevel::kWarning, std::string("checkpointing the database's WAL failed: ") +
                                sqlite3_errmsg(db_) + " (the rows are committed)");
  }
}

Status SqliteStore::RecordRejected(const Rejected& r) {
  Status s = Connect();
  if (!s.ok()) return s;
  sqlite3_stmt* st = insert_rejected_;
  StmtReset reset(st);
  int rc = BindText(st, 1, r.received_at);
  if (rc == SQLITE_OK) rc = BindText(st, 2, r.webhook);
  if (rc == SQLITE_OK) rc = BindText(st, 3, r.remote_addr);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int(st, 4, r.http_status);
  if (rc == SQLITE_OK) rc = BindText(st, 5, r.error);
  if (rc == SQLITE_OK) rc = BindText(st, 6, r.reason);
  if (rc == SQLITE_OK) rc = BindText(st, 7, r.content_type);
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_blob(st, 8, r.raw.data(), static_cast<int>(r.raw.size()), SQLITE_STATIC);
  }
  if (rc == SQLITE_OK) {
    rc = r.method.empty() ? sqlite3_bind_null(st, 9) : BindText(st, 9, r.method);
  }
  if (rc == SQLITE_OK) rc = BindOptional(st, 10, r.query);
  if (rc != SQLITE_OK) return Fail(rc, "binding a rejected request");
  WriterLockScope order(LockToTake());
  s = order.Acquire(options_.busy_timeout_ms);
  if (!s.ok()) return s;
  rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) return Fail(rc, "recording a rejected request");
  return Status::Ok();
}

StatusOr<int> SqliteStore::Ping() {
  struct stat info;
  if (stat(path_.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return Status::NotFound("the database file " + path_ + " does not exist yet");
    }
    return Status::Unavailable("cannot reach the database file " + path_ + ": " +
                               std::strerror(errno));
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return Status::Unavailable("cannot open the database " + path_ + ": " +
                               (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, options_.busy_timeout_ms);
  int version = 0;
  // The first statement reads the file's header: a file that is not a
  // database fails here.
  for (const char* sql : {"SELECT count(*) FROM sqlite_master", "PRAGMA user_version"}) {
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
      return Status::Unavailable("cannot read the database " + path_ + ": " + sqlite3_errmsg(db));
    }
  }
  return version;
}

StatusOr<SchemaReport> SqliteStore::Migrate() {
  schema_found_ = -1;
  Status s = EnsureSchema();
  if (!s.ok()) return s;
  return SchemaReport{schema_found_, kSchemaVersion};
}

Status SqliteStore::PrepareWith(const std::string& sql, const std::vector<std::string>& params,
                                sqlite3_stmt** stmt) {
  Status s = Connect();
  if (!s.ok()) return s;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), stmt, nullptr);
  if (rc != SQLITE_OK) return Fail(rc, "preparing a query");
  for (size_t i = 0; i < params.size() && rc == SQLITE_OK; ++i) {
    rc = BindText(*stmt, static_cast<int>(i + 1), params[i]);
  }
  if (rc != SQLITE_OK) return Fail(rc, "binding a query's values");
  return Status::Ok();
}

Status SqliteStore::QueryEach(const std::string& sql, const std::vector<std::string>& params,
                              const RowCallback& each) {
  sqlite3_stmt* st = nullptr;
  Status s = PrepareWith(sql, params, &st);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(st, sqlite3_finalize);
  if (!s.ok()) return s;
  Row row(static_cast<size_t>(sqlite3_column_count(st)));
  for (;;) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Fail(rc, "running a query");
    for (size_t c = 0; c < row.size(); ++c) {
      int col = static_cast<int>(c);
      if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        row[c].reset();
        continue;
      }
      const char* data = static_cast<const char*>(sqlite3_column_blob(st, col));
      size_t size = static_cast<size_t>(sqlite3_column_bytes(st, col));
      if (!row[c]) row[c].emplace();
      row[c]->assign(data ? data : "", data ? size : 0);
    }
    s = each(row);
    if (!s.ok()) return s;
  }
}

StatusOr<int64_t> SqliteStore::Execute(const std::string& sql,
                                       const std::vector<std::string>& params) {
  sqlite3_stmt* st = nullptr;
  Status s = PrepareWith(sql, params, &st);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(st, sqlite3_finalize);
  if (!s.ok()) return s;
  int rc = sqlite3_step(st);
  while (rc == SQLITE_ROW) rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) return Fail(rc, "running a statement");
  return static_cast<int64_t>(sqlite3_changes(db_));
}

}  // namespace dlr
