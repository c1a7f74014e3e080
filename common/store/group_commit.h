// GroupCommitStore: many request threads, one writer, one durable commit for
// whatever has queued.
//
// A durable commit costs one fsync whatever it holds, so a responder that
// commits each request on its own is bounded by fsyncs per second. This
// StoreWriter is put in front of the real one (the backend) in a
// multi-threaded responder: Commit() and RecordRejected() queue the call and
// wait; a single writer thread, which alone uses the backend, takes
// everything that has queued and commits all the batches in ONE backend
// Commit (one transaction), then wakes every caller with the result of its
// own batches. A caller therefore returns
// only once its rows are durable, exactly as with the backend alone, and the
// handler answering 200 after Commit() returns needs no change.
//
// Failure: a failed transaction stores none of its batches and every caller in
// it gets the failure (Unavailable: all answer 503 and the platform retries).
// When a transaction of several callers fails with anything but Unavailable
// (a fault that may belong to one batch), each caller's batches are committed
// again on their own, so that one bad batch does not fail the others.
//
// Thread safety: every method may be called from any number of threads at
// once. The backend is used by the writer thread only, one call at a time.
// The destructor finishes what is queued, then stops the writer.
#ifndef DLR_COMMON_STORE_GROUP_COMMIT_H_
#define DLR_COMMON_STORE_GROUP_COMMIT_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/base/status.h"
#include "common/store/store.h"

namespace dlr {

struct GroupCommitOptions {
  // Most callers one transaction takes; the rest wait for the next one.
  size_t max_callers_per_commit = 512;
};

class GroupCommitStore : public StoreWriter {
 public:
  // Takes the backend and starts the writer thread.
  explicit GroupCommitStore(std::unique_ptr<StoreWriter> backend,
                            const GroupCommitOptions& options = GroupCommitOptions());
  ~GroupCommitStore() override;
  GroupCommitStore(const GroupCommitStore&) = delete;
  GroupCommitStore& operator=(const GroupCommitStore&) = delete;

  // Each runs on the writer thread and returns its result; the caller waits.
  Status EnsureSchema() override;
  Status Commit(const std::vector<const Batch*>& batches,
                std::vector<BatchResult>* results) override;
  Status RecordRejected(const Rejected& rejected) override;

  struct Stats {
    uint64_t transactions = 0;  // backend Commit calls
    uint64_t commits = 0;       // Commit calls answered (callers)
    size_t largest_group = 0;   // most callers in one transaction
  };
  Stats stats() const;

  // Calls queued and not yet taken by the writer (for tests).
  size_t queued() const;

 private:
  struct Job;

  // Queues `job`, waits until the writer has run it, returns its status.
  Status Run(Job* job);
  void WriterLoop();
  // Runs the jobs taken from the queue; sets each job's status (and results).
  void RunJobs(const std::vector<Job*>& jobs);
  // One backend transaction for the batches of all `jobs`.
  Status CommitTogether(const std::vector<Job*>& jobs);

  std::unique_ptr<StoreWriter> backend_;
  const GroupCommitOptions options_;

  mutable std::mutex mu_;
  std::condition_variable queue_cv_;  // the writer waits for work or stopping_
  std::deque<Job*> queue_;            // guarded by mu_
  bool stopping_ = false;             // guarded by mu_
  Stats stats_;                       // guarded by mu_
  size_t last_callers_ = 0;           // guarded by mu_: callers of the last group
  std::thread writer_;
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_GROUP_COMMIT_H_
