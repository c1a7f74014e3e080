// Writers (StoreWriter) for tests, in the spirit of leveldb's helpers/memenv
// and ErrorEnv.
//
// MemoryStore keeps everything in memory with the semantics of the SQLite
// backend (see common/store/store.h): an event equal in id, status and deliv_time
// (absent deliv_time counting as "") to a stored one, or to an earlier one of
// the same call, is a duplicate; dlr_messages keeps per id the status a
// pending one never replaces and, among finals, the one with the latest
// deliv_time; a Commit is applied whole or not at all.
//
// FailingStore wraps another StoreWriter and fails the calls a test asks it to,
// without passing them on, so nothing of a failed call reaches the store
// underneath.
//
// Neither is thread-safe; tests use them from one thread.
#ifndef DLR_TESTS_FAKE_STORE_H_
#define DLR_TESTS_FAKE_STORE_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/status.h"
#include "common/store/store.h"
#include "common/webhook/payload.h"

namespace dlr {
namespace test {

// A row of dlr_events.
struct StoredEvent {
  std::string webhook;
  std::string received_at;
  Dlr dlr;            // its values and raw, as given to Commit
  std::string query;  // the batch's query string ("" = none)
};

// A row of dlr_messages.
struct StoredMessage {
  std::string webhook;
  std::string status;
  bool final = false;
  bool delivered = false;
  std::optional<std::string> deliv_time, sent_time, submit_time;
  std::optional<std::string> deliv_at, sent_at, submit_at;
  std::string updated_at;
};

class MemoryStore : public StoreWriter {
 public:
  MemoryStore() = default;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Status EnsureSchema() override;
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override;
  Status RecordRejected(const Rejected& rejected) override;

  // The next Commit fails with `status` when it reaches its nth event
  // (1-based, counted over all its batches), after the events before it were
  // applied to its working copy: a test of the all-or-nothing rule.
  void FailAtEvent(size_t n, Status status);

  const std::vector<StoredEvent>& events() const { return events_; }
  const std::map<std::string, StoredMessage>& messages() const { return messages_; }
  const std::vector<Rejected>& rejected() const { return rejected_; }
  // The message row for `id`, or nullptr.
  const StoredMessage* message(const std::string& id) const;
  size_t successful_commits() const { return successful_commits_; }
  size_t schema_calls() const { return schema_calls_; }
  // True when nothing at all was written: no event, message or rejected row.
  bool empty() const { return events_.empty() && messages_.empty() && rejected_.empty(); }

 private:
  std::vector<StoredEvent> events_;
  std::map<std::string, StoredMessage> messages_;
  std::vector<Rejected> rejected_;
  size_t successful_commits_ = 0;
  size_t schema_calls_ = 0;
  size_t fail_at_event_ = 0;  // 0: no failure armed
  Status fail_status_;
};

class FailingStore : public StoreWriter {
 public:
  explicit FailingStore(StoreWriter* base) : base_(base) {}
  FailingStore(const FailingStore&) = delete;
  FailingStore& operator=(const FailingStore&) = delete;

  // Every later call of the kind fails with `status` until Heal().
  void fail_schema_with(Status status) { schema_error_ = std::move(status); }
  void fail_commit_with(Status status) { commit_error_ = std::move(status); }
  void fail_rejected_with(Status status) { rejected_error_ = std::move(status); }
  // Only the nth Commit call (1-based, counted since construction) fails.
  void fail_nth_commit_with(size_t n, Status status) {
    nth_commit_ = n;
    nth_commit_error_ = std::move(status);
  }
  // Clears every failure armed above.
  void Heal();

  Status EnsureSchema() override;
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override;
  Status RecordRejected(const Rejected& rejected) override;

  // Calls received, failed or not.
  size_t commit_calls() const { return commit_calls_; }
  size_t rejected_calls() const { return rejected_calls_; }
  size_t schema_calls() const { return schema_calls_; }

 private:
  StoreWriter* const base_;
  Status schema_error_, commit_error_, rejected_error_, nth_commit_error_;
  size_t nth_commit_ = 0;
  size_t commit_calls_ = 0, rejected_calls_ = 0, schema_calls_ = 0;
};

}  // namespace test
}  // namespace dlr

#endif  // DLR_TESTS_FAKE_STORE_H_
