// CommitQueue: one durable commit for the waiting writers of every process.
//
// Within a process the group commit (group_commit.h) gives every waiting
// request one transaction and one fsync. Several processes on one file
// (spawn-fcgi -F N, mod_fcgid, CGI) would still commit one after another,
// each paying its own fsync while the others wait for the writers' lock.
// The queue lets the process that gets the lock commit for others: a writer
// outside the group commit's turn (a CGI request, a --threads 1 or mod_fcgid
// process, whose group commit gets one caller at a time) that finds the lock
// taken publishes its batches (EncodeBatches, batch_codec.h) in a slot of
// shared memory; the holder of the lock (such a writer, or a group commit's
// writer in its turn, which waits for the lock without publishing, then
// gathers what queued meanwhile), as its next commit begins, takes every
// published slot, commits them with its own batches in one transaction, and
// writes each slot's outcome back (EncodeOutcome), then lets go of the lock.
// The waiter waits on the lock's release count (WriterLock::WaitRelease), not
// for the lock: woken, it finds its outcome (Poll) and returns without a
// transaction or a turn of its own; or the lock is free and its slot was not
// taken yet, and it takes the lock and leads (Collect).
//
// The slots live in the writers' lock file (`<database>-writer`), after the
// lock's page, with a robust process-shared mutex of their own that is held
// only while slot states change. Every call below that says "holding the
// writers' lock" relies on it: a slot is taken and finished by the lock's
// holder only, so a slot found taken by someone else while holding the lock
// belongs to a leader that died, and is taken again (its batches may have
// been committed before it died: committed again, they count as duplicates;
// a DLR is stored once either way).
//
// What a waiter's answer can be: its outcome (stored or failed, as the leader's
// transaction went); or, when it gave up waiting for the lock (Withdraw),
// nothing stored when no leader had taken its slot yet, else "may be stored"
// (its caller answers 503; the platform's retry is then a duplicate). Nothing
// is acknowledged that was not committed.
//
// Thread safety: one CommitQueue object per store (one writing thread);
// the shared slots are safe among any number of processes.
#ifndef DLR_COMMON_STORE_SQLITE_COMMIT_QUEUE_H_
#define DLR_COMMON_STORE_SQLITE_COMMIT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"

namespace dlr {

class CommitQueue {
 public:
  static constexpr size_t kSlots = 32;
  // The bytes a slot holds: a request's batches larger than that are
  // committed by their own process (see Publish).
  static constexpr size_t kSlotBytes = 16 * 1024;

  // Maps the queue in the writers' lock file `path` (WriterLock::PathFor),
  // creating it as WriterLock::Open does. Unavailable, with the reason, when
  // it cannot be had: the caller commits on its own.
  static StatusOr<std::unique_ptr<CommitQueue>> Open(const std::string& path,
                                                     const std::string& like);
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // A slot this object filled.
  struct Ticket {
    int slot = -1;
    uint64_t number = 0;  // the slot's fill count when it was filled
  };

  // Copies `bytes` into a free slot for the next leader. False when they do
  // not fit a slot or no slot is free (slots whose owner died are freed
  // here): the caller then commits alone, as without a queue.
  bool Publish(std::string_view bytes, Ticket* ticket);

  enum class State {
    kPending,  // no leader took it: the caller's to commit (Collect), or withdrawn
    kTaken,    // a live leader is committing it (Withdraw only)
    kDone,     // committed or failed: *outcome holds EncodeOutcome's bytes
    kLost,     // the slot was reused: the outcome is unknown
  };

  // Holding the writers' lock: the outcome of `ticket`. kDone (the slot is
  // freed), kPending (no leader took it: the slot is freed and the caller
  // commits its batches itself, as leader) or kLost.
  State Collect(const Ticket& ticket, std::string* outcome);

  // Without the writers' lock: the outcome of `ticket` when a leader has
  // finished it (kDone: *outcome holds it, the slot is freed); else, without
  // changing the slot, kPending (published, not taken yet), kTaken (a leader
  // is committing it, or died doing so: Collect, once the lock is had, says
  // which) or kLost.
  State Poll(const Ticket& ticket, std::string* outcome);

  // The owner of `ticket` gives up waiting for the writers' lock. kPending:
  // withdrawn, nothing of it will be stored. kDone: *outcome holds its
  // outcome. kTaken: a leader is committing it; its outcome is left unread.
  State Withdraw(const Ticket& ticket, std::string* outcome);

  struct Taken {
    int slot = -1;
    std::string bytes;  // the batches, as published
  };
  // Holding the writers' lock: takes every published slot, and with them
  // those a leader that died had taken (when nothing is published it returns
  // at once, without the slots' mutex: an orphan's owner then takes it back
  // in Collect); each must then be Finish()ed.
  std::vector<Taken> TakePending();

  // Holding the writers' lock: the outcome of a slot TakePending returned.
  // An outcome too large for the slot is left empty (its owner cannot decode
  // it: Internal).
  void Finish(int slot, std::string_view outcome);

  // Slots published and not yet taken by a leader.
  size_t Published();

  // The region beyond the writers' lock's page of its file.
  static constexpr size_t kOffset = 4096;

  // The shared layout (commit_queue.cc).
  struct Header;
  struct Slot;

 private:
  explicit CommitQueue(void* map);
  Slot* SlotAt(size_t i) const;
  char* DataOf(const Slot* slot) const;  // kSlotBytes
  void LockSlots();
  void UnlockSlots();
  // Poll, or Withdraw when `withdraw`: they differ only in what a slot still
  // waiting for a leader becomes.
  State Look(const Ticket& ticket, std::string* outcome, bool withdraw);

  void* map_;
  Header* header_;
  uint64_t leader_token_;  // names this object as a leader in the slots it takes
};

}  // namespace dlr

#endif  // DLR_COMMON_STORE_SQLITE_COMMIT_QUEUE_H_
