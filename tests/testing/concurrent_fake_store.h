// FakeStore: an in-memory StoreWriter for tests, failing on demand.
//
// Events are keyed by (id, status, deliv_time) like the real backends; a
// Commit stores all of its batches or none. It also checks the Store contract
// that a backend is used by one thread at a time (overlapping calls are
// counted), can fail the next calls with a chosen Status, fail any commit that
// holds a DLR with a chosen id, and hold a commit until released (to let
// callers queue up behind it).
#ifndef DLR_TESTS_CONCURRENT_FAKE_STORE_H_
#define DLR_TESTS_CONCURRENT_FAKE_STORE_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/store/store.h"

namespace dlr {

class FakeStore : public StoreWriter {
 public:
  Status EnsureSchema() override {
    Enter();
    ++schema_calls;
    Leave();
    return Status::Ok();
  }

  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override {
    Enter();
    WaitIfHeld();
    results->assign(batches.size(), BatchResult());
    std::lock_guard<std::mutex> lock(mu_);
    commit_sizes.push_back(batches.size());
    Status s = Status::Ok();
    if (!fail_next.empty()) {
      s = fail_next.front();
      fail_next.erase(fail_next.begin());
    }
    std::set<Key> added;
    for (size_t b = 0; b < batches.size() && s.ok(); ++b) {
      for (const Dlr& d : batches[b]->dlrs) {
        if (d.Get(Field::kId) && *d.Get(Field::kId) == poison_id) {
          s = Status::Internal("poisoned batch");
          break;
        }
        Key k{d.Get(Field::kId).value_or(""), d.Get(Field::kStatus).value_or(""),
              d.Get(Field::kDelivTime).value_or("")};
        if (events.count(k) || !added.insert(k).second) {
          ++(*results)[b].duplicates;
        } else {
          ++(*results)[b].stored;
        }
      }
    }
    if (s.ok()) {
      events.insert(added.begin(), added.end());
    } else {
      results->assign(batches.size(), BatchResult());
    }
    Leave();
    return s;
  }

  Status RecordRejected(const Rejected& r) override {
    Enter();
    std::lock_guard<std::mutex> lock(mu_);
    rejected.push_back(r.raw);
    Leave();
    return Status::Ok();
  }

  // Makes the next Commit wait in the backend until Release().
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  // Blocks until a held Commit is waiting.
  void WaitUntilHeldCommitArrives() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return waiting_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    cv_.notify_all();
  }

  bool Has(const std::string& id, const std::string& status, const std::string& deliv_time = "") {
    std::lock_guard<std::mutex> lock(mu_);
    return events.count(Key{id, status, deliv_time}) > 0;
  }
  size_t EventCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return events.size();
  }
  std::vector<size_t> CommitSizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return commit_sizes;
  }

  using Key = std::tuple<std::string, std::string, std::string>;

  // Guarded by mu_ once threads run (set them before).
  std::vector<Status> fail_next;  // statuses for the next commits, in order
  std::string poison_id = "\x01none";
  std::set<Key> events;
  std::vector<size_t> commit_sizes;  // batches per Commit call
  std::vector<std::string> rejected;
  int schema_calls = 0;
  std::atomic<int> overlapping_calls{0};  // calls made while another was running

 private:
  void Enter() {
    if (in_call_.fetch_add(1) != 0) ++overlapping_calls;
  }
  void Leave() { in_call_.fetch_sub(1); }
  void WaitIfHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    if (!held_) return;
    waiting_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !held_; });
    waiting_ = false;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  bool waiting_ = false;
  std::atomic<int> in_call_{0};
};

}  // namespace dlr

#endif  // DLR_TESTS_CONCURRENT_FAKE_STORE_H_
