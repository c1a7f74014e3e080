#include "tests/testing/fake_store.h"

#include <set>
#include <tuple>
#include <utility>

namespace dlr {
namespace test {
namespace {

using EventKey = std::tuple<std::string, std::string, std::string>;

EventKey KeyOf(const Dlr& d) {
  return EventKey(d.Get(Field::kId).value_or(""), d.Get(Field::kStatus).value_or(""),
                  d.Get(Field::kDelivTime).value_or(""));
}

// Keeps `old` when `fresh` is absent (SQL: COALESCE(excluded.x, x)).
void Keep(const std::optional<std::string>& fresh, std::optional<std::string>* old) {
  if (fresh) *old = fresh;
}

void Upsert(const Batch& batch, const Dlr& d, std::map<std::string, StoredMessage>* messages) {
  const std::string& id = *d.Get(Field::kId);
  const std::string& status = *d.Get(Field::kStatus);
  const bool final = DlrIsFinal(d);
  auto it = messages->find(id);
  if (it != messages->end()) {
    const StoredMessage& old = it->second;
    const bool replaces = !old.final || (final && d.Get(Field::kDelivTime).value_or("") >
                                                      old.deliv_time.value_or(""));
    if (!replaces) return;
  }
  StoredMessage& m = (*messages)[id];
  m.webhook = batch.webhook;
  m.status = status;
  m.final = final;
  m.delivered = DlrIsDelivered(d);
  m.deliv_time = d.Get(Field::kDelivTime);
  Keep(d.Get(Field::kSentTime), &m.sent_time);
  Keep(d.Get(Field::kSubmitTime), &m.submit_time);
  m.deliv_at = d.Get(Field::kDelivAt);
  Keep(d.Get(Field::kSentAt), &m.sent_at);
  Keep(d.Get(Field::kSubmitAt), &m.submit_at);
  m.updated_at = batch.received_at;
}

}  // namespace

Status MemoryStore::EnsureSchema() {
  ++schema_calls_;
  return Status::Ok();
}

void MemoryStore::FailAtEvent(size_t n, Status status) {
  fail_at_event_ = n;
  fail_status_ = std::move(status);
}

const StoredMessage* MemoryStore::message(const std::string& id) const {
  auto it = messages_.find(id);
  return it == messages_.end() ? nullptr : &it->second;
}

Status MemoryStore::Commit(const std::vector<const Batch*>& batches,
                           std::vector<BatchResult>* results) {
  results->assign(batches.size(), BatchResult());
  const size_t fail_at = fail_at_event_;
  const Status fail_status = fail_status_;
  fail_at_event_ = 0;

  // The working copy: becomes the store only when every event went in.
  std::vector<StoredEvent> events = events_;
  std::map<std::string, StoredMessage> messages = messages_;
  std::set<EventKey> keys;
  for (const StoredEvent& e : events) keys.insert(KeyOf(e.dlr));
  std::vector<BatchResult> out(batches.size());
  size_t n = 0;
  for (size_t b = 0; b < batches.size(); ++b) {
    for (const Dlr& d : batches[b]->dlrs) {
      ++n;
      if (fail_at != 0 && n == fail_at) return fail_status;
      if (!d.Get(Field::kId) || !d.Get(Field::kStatus)) {
        return Status::Internal("NOT NULL constraint failed: an event without id or status");
      }
      if (!keys.insert(KeyOf(d)).second) {
        ++out[b].duplicates;
        continue;
      }
      events.push_back(
          StoredEvent{batches[b]->webhook, batches[b]->received_at, d, batches[b]->query});
      Upsert(*batches[b], d, &messages);
      ++out[b].stored;
    }
  }
  events_.swap(events);
  messages_.swap(messages);
  *results = std::move(out);
  ++successful_commits_;
  return Status::Ok();
}

Status MemoryStore::RecordRejected(const Rejected& rejected) {
  rejected_.push_back(rejected);
  return Status::Ok();
}

void FailingStore::Heal() {
  schema_error_ = commit_error_ = rejected_error_ = nth_commit_error_ = Status::Ok();
  nth_commit_ = 0;
}

Status FailingStore::EnsureSchema() {
  ++schema_calls_;
  if (!schema_error_.ok()) return schema_error_;
  return base_->EnsureSchema();
}

Status FailingStore::Commit(const std::vector<const Batch*>& batches,
                            std::vector<BatchResult>* results) {
  ++commit_calls_;
  if (!commit_error_.ok() || (nth_commit_ != 0 && commit_calls_ == nth_commit_)) {
    results->assign(batches.size(), BatchResult());
    return commit_error_.ok() ? nth_commit_error_ : commit_error_;
  }
  return base_->Commit(batches, results);
}

Status FailingStore::RecordRejected(const Rejected& rejected) {
  ++rejected_calls_;
  if (!rejected_error_.ok()) return rejected_error_;
  return base_->RecordRejected(rejected);
}

}  // namespace test
}  // namespace dlr
