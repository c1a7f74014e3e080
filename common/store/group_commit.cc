#include "common/store/group_commit.h"

#include <semaphore.h>

#include <cerrno>
#include <exception>
#include <string>
#include <utility>

namespace dlr {

struct GroupCommitStore::Job {
  enum class Kind { kSchema, kCommit, kRejected };
  Kind kind = Kind::kCommit;
  const std::vector<const Batch*>* batches = nullptr;  // kCommit
  std::vector<BatchResult>* results = nullptr;         // kCommit
  const Rejected* rejected = nullptr;                  // kRejected
  Status status;
  // Posted by the writer once `status` (and `results`) are set. A semaphore,
  // not a condition variable: the caller wakes without taking mu_ again, so
  // waking a whole group does not make its callers queue on the writer's lock.
  sem_t done;

  Job() { sem_init(&done, 0, 0); }
  ~Job() { sem_destroy(&done); }
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;
};

GroupCommitStore::GroupCommitStore(std::unique_ptr<StoreWriter> backend,
                                   const GroupCommitOptions& options)
    : backend_(std::move(backend)), options_(options) {
  writer_ = std::thread([this] { WriterLoop(); });
}

GroupCommitStore::~GroupCommitStore() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_.join();
}

Status GroupCommitStore::EnsureSchema() {
  Job job;
  job.kind = Job::Kind::kSchema;
  return Run(&job);
}

Status GroupCommitStore::Commit(const std::vector<const Batch*>& batches,
                                std::vector<BatchResult>* results) {
  results->assign(batches.size(), BatchResult());
  if (batches.empty()) return Status::Ok();
  Job job;
  job.kind = Job::Kind::kCommit;
  job.batches = &batches;
  job.results = results;
  return Run(&job);
}

Status GroupCommitStore::RecordRejected(const Rejected& rejected) {
  Job job;
  job.kind = Job::Kind::kRejected;
  job.rejected = &rejected;
  return Run(&job);
}

GroupCommitStore::Stats GroupCommitStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

size_t GroupCommitStore::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

Status GroupCommitStore::Run(Job* job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("the store is shutting down");
    queue_.push_back(job);
  }
  // The writer is either waiting (woken here) or busy (it looks at the queue
  // again before it waits).
  queue_cv_.notify_one();
  while (sem_wait(&job->done) != 0 && errno == EINTR) {
  }
  return job->status;
}

void GroupCommitStore::WriterLoop() {
  std::vector<Job*> jobs;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do
    // Another process may be writing the same database: wait for the turn
    // first, then take what queued meanwhile too (one fsync for all of it).
    // A writer that gets one caller at a time (its process is handed one
    // request at a time: mod_fcgid) gathers nothing while it waits, so after
    // a group of one it takes no turn for one caller: its Commit waits
    // instead, and SQLite's commit queue hands its batches to the
    // transaction of the process writing.
    const bool take_turn = queue_.size() > 1 || last_callers_ != 1;
    lock.unlock();
    Status turn;
    try {
      if (take_turn) turn = backend_->BeginTurn();
    } catch (const std::exception& e) {
      turn = Status::Internal(std::string("the store failed: ") + e.what());
    }
    lock.lock();
    jobs.clear();
    while (!queue_.empty() && jobs.size() < options_.max_callers_per_commit) {
      jobs.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    if (turn.ok()) {
      RunJobs(jobs);
      if (take_turn) backend_->EndTurn();
    } else {
      // No turn within the backend's timeout: the group fails as one
      // transaction that could not begin would (Unavailable: 503, retried).
      for (Job* job : jobs) job->status = turn;
    }
    lock.lock();
    size_t callers = 0;
    for (Job* job : jobs) {
      if (job->kind == Job::Kind::kCommit) ++callers;
    }
    last_callers_ = callers;
    if (callers > 0) {
      stats_.commits += callers;
      if (callers > stats_.largest_group) stats_.largest_group = callers;
    }
    lock.unlock();
    // The last use of each job: its caller may return and destroy it at once.
    for (Job* job : jobs) sem_post(&job->done);
    lock.lock();
  }
}

Status GroupCommitStore::CommitTogether(const std::vector<Job*>& jobs) {
  std::vector<const Batch*> all;
  for (const Job* job : jobs) all.insert(all.end(), job->batches->begin(), job->batches->end());
  std::vector<BatchResult> results;
  Status s;
  try {
    s = backend_->Commit(all, &results);
  } catch (const std::exception& e) {  // out of memory: fail this group, keep serving
    s = Status::Internal(std::string("the commit failed: ") + e.what());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.transactions;
  }
  if (s.ok() && results.size() != all.size()) {
    s = Status::Internal("the store returned " + std::to_string(results.size()) + " results for " +
                         std::to_string(all.size()) + " batches");
  }
  size_t next = 0;
  for (Job* job : jobs) {
    for (size_t i = 0; i < job->batches->size(); ++i, ++next) {
      (*job->results)[i] = s.ok() ? results[next] : BatchResult();
    }
    job->status = s;
  }
  return s;
}

void GroupCommitStore::RunJobs(const std::vector<Job*>& jobs) {
  std::vector<Job*> commits;
  for (Job* job : jobs) {
    try {
      switch (job->kind) {
        case Job::Kind::kCommit:
          commits.push_back(job);
          break;
        case Job::Kind::kSchema:
          job->status = backend_->EnsureSchema();
          break;
        case Job::Kind::kRejected:
          job->status = backend_->RecordRejected(*job->rejected);
          break;
      }
    } catch (const std::exception& e) {
      job->status = Status::Internal(std::string("the store failed: ") + e.what());
    }
  }
  if (commits.empty()) return;
  Status s = CommitTogether(commits);
  if (s.ok() || commits.size() == 1 || s.code() == StatusCode::kUnavailable) return;
  // Not a transient failure, and not necessarily everyone's: give each caller
  // a transaction of its own so that one bad batch fails only its sender.
  for (Job* job : commits) CommitTogether({job});
}

}  // namespace dlr
