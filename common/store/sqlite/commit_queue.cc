#include "common/store/sqlite/commit_queue.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "common/store/sqlite/shared_file.h"

namespace dlr {
namespace {

// "dlrQueu1": the region holds an initialised queue of this layout.
constexpr uint64_t kMagic = 0x3175657551726c64ULL;
constexpr size_t kHeaderBytes = 4096;

enum SlotState : uint32_t { kFree = 0, kPublished = 1, kTakenBy = 2, kFinished = 3 };

bool ProcessGone(int32_t pid) { return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

// Every slot's header sits in the first page, so that a leader looking for
// published slots touches that page alone; a slot's data pages are touched
// only by the processes that use that slot.
struct CommitQueue::Slot {
  uint32_t state;      // SlotState
  uint32_t abandoned;  // its owner gave up: a leader frees it when finished
  int32_t owner;       // the pid that published it
  uint32_t size;       // bytes in its data: the batches, then the outcome
  uint64_t number;     // Ticket::number of its last fill
  uint64_t leader;     // the leader_token_ that took it
};

struct CommitQueue::Header {
  std::atomic<uint64_t> magic;
  pthread_mutex_t mutex;  // guards every slot's header
  uint64_t fills;         // guarded by mutex: the last Ticket::number given
  // Slots published and not taken: changed under mutex, read without it by
  // a leader that finds none to take (most commits).
  std::atomic<uint32_t> published;
  Slot slots[kSlots];  // guarded by mutex
};

namespace {
constexpr size_t kRegionBytes = kHeaderBytes + CommitQueue::kSlots * CommitQueue::kSlotBytes;
constexpr size_t kDataBytes = CommitQueue::kSlotBytes;
std::atomic<uint32_t> next_object{0};
}  // namespace

StatusOr<std::unique_ptr<CommitQueue>> CommitQueue::Open(const std::string& path,
                                                         const std::string& like) {
  static_assert(sizeof(Header) <= kHeaderBytes, "the header fits its page");
  StatusOr<void*> map =
      MapSharedFile(path, like, kOffset, kRegionBytes, kMagic, [&](void* region, bool fresh) {
        if (!fresh) return Status::Ok();
        // A new region is zeros (ftruncate): every slot free.
        return InitSharedRobustMutex(&static_cast<Header*>(region)->mutex,
                                     "the commit queue in " + path);
      });
  if (!map.ok()) return map.status();
  return std::unique_ptr<CommitQueue>(new CommitQueue(map.value()));
}

CommitQueue::CommitQueue(void* map)
    : map_(map),
      header_(static_cast<Header*>(map)),
      leader_token_(static_cast<uint64_t>(getpid()) << 32 | ++next_object) {}

CommitQueue::~CommitQueue() { munmap(map_, kRegionBytes); }

CommitQueue::Slot* CommitQueue::SlotAt(size_t i) const { return &header_->slots[i]; }

char* CommitQueue::DataOf(const Slot* slot) const {
  size_t i = static_cast<size_t>(slot - header_->slots);
  return static_cast<char*>(map_) + kHeaderBytes + i * kSlotBytes;
}

void CommitQueue::LockSlots() {
  // Held for a few slot headers at a time: a holder that died left them
  // whole or with one word changed, either of which the rules here accept.
  if (pthread_mutex_lock(&header_->mutex) == EOWNERDEAD) pthread_mutex_consistent(&header_->mutex);
}

void CommitQueue::UnlockSlots() { pthread_mutex_unlock(&header_->mutex); }

bool CommitQueue::Publish(std::string_view bytes, Ticket* ticket) {
  if (bytes.size() > kDataBytes) return false;
  LockSlots();
  Slot* slot = nullptr;
  size_t index = 0;
  for (size_t i = 0; i < kSlots && !slot; ++i) {
    Slot* s = SlotAt(i);
    if (s->state == kFree || (s->state == kFinished && ProcessGone(s->owner))) {
      slot = s;
      index = i;
    }
  }
  if (slot) {
    slot->state = kPublished;
    slot->abandoned = 0;
    slot->owner = static_cast<int32_t>(getpid());
    slot->number = ++header_->fills;
    header_->published.fetch_add(1, std::memory_order_release);
    slot->leader = 0;
    slot->size = static_cast<uint32_t>(bytes.size());
    // Under the mutex: a leader may take the slot the moment it is unlocked.
    std::memcpy(DataOf(slot), bytes.data(), bytes.size());
    ticket->slot = static_cast<int>(index);
    ticket->number = slot->number;
  }
  UnlockSlots();
  return slot != nullptr;
}

CommitQueue::State CommitQueue::Collect(const Ticket& ticket, std::string* outcome) {
  Slot* slot = SlotAt(static_cast<size_t>(ticket.slot));
  LockSlots();
  State state = State::kLost;
  if (slot->number == ticket.number) {
    if (slot->state == kFinished) {
      outcome->assign(DataOf(slot), slot->size);
      state = State::kDone;
    } else if (slot->state == kPublished) {
      header_->published.fetch_sub(1, std::memory_order_relaxed);
      state = State::kPending;
    }
    // Taken, by a leader that died (the caller holds the writers' lock): the
    // caller commits its batches itself, as with kPending.
    if (slot->state == kTakenBy) state = State::kPending;
    slot->state = kFree;
  }
  UnlockSlots();
  return state;
}

CommitQueue::State CommitQueue::Poll(const Ticket& ticket, std::string* outcome) {
  return Look(ticket, outcome, /*withdraw=*/false);
}

CommitQueue::State CommitQueue::Withdraw(const Ticket& ticket, std::string* outcome) {
  return Look(ticket, outcome, /*withdraw=*/true);
}

CommitQueue::State CommitQueue::Look(const Ticket& ticket, std::string* outcome, bool withdraw) {
  Slot* slot = SlotAt(static_cast<size_t>(ticket.slot));
  LockSlots();
  State state = State::kLost;
  if (slot->number == ticket.number) {
    switch (slot->state) {
      case kPublished:
        if (withdraw) {
          header_->published.fetch_sub(1, std::memory_order_relaxed);
          slot->state = kFree;
        }
        state = State::kPending;
        break;
      case kFinished:
        outcome->assign(DataOf(slot), slot->size);
        slot->state = kFree;
        state = State::kDone;
        break;
      case kTakenBy:
        if (withdraw) slot->abandoned = 1;
        state = State::kTaken;
        break;
      default:
        break;
    }
  }
  UnlockSlots();
  return state;
}

std::vector<CommitQueue::Taken> CommitQueue::TakePending() {
  std::vector<Taken> taken;
  // Nothing published: nothing to take but slots a leader that died had
  // taken, whose owners take them back themselves (Collect) when they get
  // the lock. A slot published just after this load waits for its owner
  // the same way.
  if (header_->published.load(std::memory_order_acquire) == 0) return taken;
  LockSlots();
  for (size_t i = 0; i < kSlots; ++i) {
    Slot* s = SlotAt(i);
    // Taken by another leader while this one holds the writers' lock: that
    // leader died holding it.
    if (s->state == kPublished || (s->state == kTakenBy && s->leader != leader_token_)) {
      if (s->state == kPublished) header_->published.fetch_sub(1, std::memory_order_relaxed);
      s->state = kTakenBy;
      s->leader = leader_token_;
      taken.push_back(Taken{static_cast<int>(i), std::string()});
    }
  }
  UnlockSlots();
  // Taken slots change only under the writers' lock, which the caller holds.
  for (Taken& t : taken) {
    Slot* s = SlotAt(static_cast<size_t>(t.slot));
    t.bytes.assign(DataOf(s), s->size <= kDataBytes ? s->size : 0);
  }
  return taken;
}

size_t CommitQueue::Published() {
  size_t n = 0;
  LockSlots();
  for (size_t i = 0; i < kSlots; ++i) n += SlotAt(i)->state == kPublished ? 1 : 0;
  UnlockSlots();
  return n;
}

void CommitQueue::Finish(int index, std::string_view outcome) {
  Slot* slot = SlotAt(static_cast<size_t>(index));
  // The outcome is written before the state says so, and the owner reads it
  // only under the slots' mutex, after the state.
  bool fits = outcome.size() <= kDataBytes;
  if (fits) std::memcpy(DataOf(slot), outcome.data(), outcome.size());
  LockSlots();
  slot->size = fits ? static_cast<uint32_t>(outcome.size()) : 0;
  slot->state = slot->abandoned ? kFree : kFinished;
  UnlockSlots();
}

}  // namespace dlr
