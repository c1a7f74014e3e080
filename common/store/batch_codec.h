// The bytes of the batches a commit stores, and of what the commit answered:
// how a process hands its batches to the process that commits for it, and
// gets its outcome back (the SQLite backend's commit shared among processes,
// through a shared-memory file beside the database).
//
// The bytes never leave the machine: they are read back by the same program,
// or by another version of it during an upgrade. A leading format byte (1)
// says which encoding follows, and a decoder refuses any other: there is no
// other promise of compatibility across versions.
//
// Pure functions, no I/O, safe from any thread. An encoder appends to the
// caller's string (it does not clear it, so a buffer may be reused); a decoder
// returns values of its own, copied from `bytes`, and never makes room for
// more elements than the bytes left could hold. Bytes that are not such an encoding (truncated, a
// length past the end, trailing bytes, a field or a class or a status code
// that does not exist, a count larger than the bytes could hold) are Internal,
// with what is wrong and where; never a crash.
//
// Format: integers little-endian, fixed width; a string is a u32 length and
// its bytes. Batches: u8 format, u32 count, then per batch webhook,
// received_at, query and a u32 count of DLRs; per DLR a u32 bitmap of the
// values present (bit i: Field i), those values in field order, raw, and a u8
// class (0 none, 1 delivered, 2 pending, 3 failed). Outcome: u8 format, u8
// status code (StatusCode's value), the message, a u32 count, then per batch
// u64 stored and u64 duplicates.
#ifndef DLR_COMMON_STORE_BATCH_CODEC_H_
#define DLR_COMMON_STORE_BATCH_CODEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"
#include "common/store/store.h"

namespace dlr {

// Appends the bytes of `batches` (none null) to *out. Every string and count
// must fit in 32 bits (a request's body is far smaller).
void EncodeBatches(const std::vector<const Batch*>& batches, std::string* out);

// The batches whose bytes EncodeBatches made; Internal for any other bytes.
StatusOr<std::vector<Batch>> DecodeBatches(std::string_view bytes);

// The outcome of committing some batches: the commit's Status and, when it is
// ok, one BatchResult per batch (as StoreWriter::Commit gives them).
struct CommitOutcome {
  Status status;
  std::vector<BatchResult> results;
};

// Appends the bytes of `outcome` to *out.
void EncodeOutcome(const CommitOutcome& outcome, std::string* out);

// The outcome whose bytes EncodeOutcome made; Internal for any other bytes
// (also a status code StatusCode does not have, or an ok one with a message).
StatusOr<CommitOutcome> DecodeOutcome(std::string_view bytes);

}  // namespace dlr

#endif  // DLR_COMMON_STORE_BATCH_CODEC_H_
