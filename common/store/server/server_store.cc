#include "common/store/server/server_store.h"

#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "common/base/log.h"

namespace dlr {
namespace {

constexpr int kMaxAttempts = 4;

// The pause before attempt `attempt` + 1 after a conflict: growing, with
// jitter so that two writers that collided do not collide again.
int BackoffMs(int attempt) {
  static thread_local std::minstd_rand rng(std::random_device{}());
  return (5 << attempt) + static_cast<int>(rng() % 20);
}

}  // namespace

Status ServerStore::PrepareStatements() { return Status::Ok(); }

void ServerStore::Disconnect() {
  CloseConnection();
  open_ = false;
  ready_ = false;
  broken_ = false;
}

Status ServerStore::OpenConnection() {
  if (broken_) Disconnect();
  if (open_) return Status::Ok();
  Status s = OpenSession();
  if (!s.ok()) {
    Disconnect();
    return s;
  }
  open_ = true;
  return s;
}

Status ServerStore::Connect() {
  Status s = OpenConnection();
  if (!s.ok() || ready_) return s;
  s = CheckSchema();
  if (s.ok()) s = PrepareStatements();
  if (!s.ok()) {
    Disconnect();
    return s;
  }
  ready_ = true;
  return s;
}

Status ServerStore::CheckSchema() {
  int version = 0;
  Status s = ReadSchemaVersion(&version);
  if (s.ok()) schema_found_ = version;
  if (!s.ok() || version == kSchemaVersion) return s;
  if (version < kSchemaVersion) {
    // The lock keeps two processes from migrating at once; the version is
    // read again under it, since another one may have migrated since.
    s = LockSchema();
    if (!s.ok()) return s;
    s = ReadSchemaVersion(&version);
    if (s.ok()) schema_found_ = version;
    for (int v = version + 1; s.ok() && v <= kSchemaVersion; ++v) {
      s = ApplyMigration(v);
      std::string record = "INSERT INTO dlr_schema (version) VALUES (" + std::to_string(v) + ")";
      if (s.ok()) s = RunStatement(record.c_str());
    }
    s = UnlockSchema(std::move(s), version <= kSchemaVersion);
    if (!s.ok()) return s;
    if (version <= kSchemaVersion) return Status::Ok();
  }
  return Status::Internal("the database schema (" + Where() + ") is version " +
                          std::to_string(version) + ", newer than this program knows (" +
                          std::to_string(kSchemaVersion) + "); upgrade dlr-webhook");
}

Status ServerStore::EnsureSchema() {
  if (ready_ && !broken_) return CheckSchema();
  return Connect();  // a new connection checks the schema
}

Status ServerStore::Retrying(const std::function<Status()>& attempt) {
  for (int n = 1;; ++n) {
    Status s = Connect();
    if (!s.ok()) return s;
    retry_ = false;
    s = attempt();
    if (s.ok() || !retry_ || n >= kMaxAttempts) return s;
    Log(LogLevel::kInfo, "retrying: " + s.message());
    if (!broken_) std::this_thread::sleep_for(std::chrono::milliseconds(BackoffMs(n)));
  }
}

Status ServerStore::Failure(FailureKind kind, std::string message, const std::string& detail) {
  retry_ = kind == FailureKind::kConnectionLost || kind == FailureKind::kConflict;
  if (kind == FailureKind::kConnectionLost || kind == FailureKind::kReconnect) broken_ = true;
  switch (kind) {
    case FailureKind::kConnectionLost:
    case FailureKind::kConflict:
    case FailureKind::kBusy:
      return Status::Unavailable(std::move(message));
    case FailureKind::kUnfitValue:
      return Status::Unprocessable("the database cannot hold a value of this request: " + detail);
    case FailureKind::kReconnect:
    case FailureKind::kOther:
      break;
  }
  return Status::Internal(std::move(message));
}

Status ServerStore::Commit(const std::vector<const Batch*>& batches,
                           std::vector<BatchResult>* results) {
  Status s = Retrying([&] { return CommitOnce(batches, results); });
  if (!s.ok()) results->assign(batches.size(), BatchResult());
  return s;
}

Status ServerStore::RecordRejected(const Rejected& rejected) {
  return Retrying([&] { return InsertRejected(rejected); });
}

StatusOr<int> ServerStore::Ping() {
  Status s = OpenConnection();
  int version = 0;
  if (s.ok()) s = ReadSchemaVersion(&version);
  if (!s.ok()) return s;
  return version;
}

StatusOr<SchemaReport> ServerStore::Migrate() {
  schema_found_ = -1;
  Status s = EnsureSchema();
  if (!s.ok()) return s;
  return SchemaReport{schema_found_, kSchemaVersion};
}

}  // namespace dlr
