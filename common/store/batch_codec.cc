#include "common/store/batch_codec.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

namespace dlr {
namespace {

constexpr uint8_t kFormat = 1;
static_assert(kFieldCount <= 32, "the presence bitmap of a Dlr's values is a u32");

// The fewest bytes an element can take, to bound a count by what is left.
constexpr size_t kMinBatchBytes = 4 + 4 + 4 + 4;  // three empty strings, no DLRs
constexpr size_t kMinDlrBytes = 4 + 4 + 1;        // no values, empty raw, class
constexpr size_t kMinResultBytes = 8 + 8;

void PutU8(uint8_t v, std::string* out) { out->push_back(static_cast<char>(v)); }

template <typename T>
void PutLittleEndian(T v, std::string* out) {
  for (size_t i = 0; i < sizeof(T); ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutU32(size_t v, std::string* out) {
  assert(v <= std::numeric_limits<uint32_t>::max());
  PutLittleEndian(static_cast<uint32_t>(v), out);
}

void PutString(std::string_view s, std::string* out) {
  PutU32(s.size(), out);
  out->append(s.data(), s.size());
}

uint8_t ClassByte(const std::optional<DlrClass>& c) {
  if (!c) return 0;
  switch (*c) {
    case DlrClass::kDelivered:
      return 1;
    case DlrClass::kPending:
      return 2;
    case DlrClass::kFailed:
      return 3;
  }
  return 0;
}

// Reads `bytes` front to back; the first failure is kept and every read after
// it fails too, so a decoder checks once per element.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool ok() const { return status_.ok(); }
  size_t left() const { return bytes_.size() - pos_; }

  uint64_t Uint(size_t width, const char* what) {
    start_ = pos_;
    if (!Need(width, what)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) {
      v |= uint64_t{static_cast<unsigned char>(bytes_[pos_ + i])} << (8 * i);
    }
    pos_ += width;
    return v;
  }
  uint8_t U8(const char* what) { return static_cast<uint8_t>(Uint(1, what)); }
  uint32_t U32(const char* what) { return static_cast<uint32_t>(Uint(4, what)); }
  uint64_t U64(const char* what) { return Uint(8, what); }

  std::string String(const char* what) {
    size_t size = U32(what);
    if (!Need(size, what)) return std::string();
    std::string s(bytes_.substr(pos_, size));
    pos_ += size;
    return s;
  }

  // A count of elements of at least `min_bytes` each, refused when the bytes
  // left cannot hold them (so that it may be reserved).
  size_t Count(size_t min_bytes, const char* what) {
    size_t n = U32(what);
    if (ok() && n > left() / min_bytes) {
      Fail(std::string(what) + " is " + std::to_string(n) + ", more than the " +
           std::to_string(left()) + " bytes left can hold");
      return 0;
    }
    return n;
  }

  void Fail(const std::string& what) {
    if (ok()) {
      status_ = Status::Internal("batch codec: at byte " + std::to_string(start_) + ": " + what);
    }
  }

  // Ok when every byte was read, else trailing bytes are an error.
  Status Finish() {
    start_ = pos_;
    if (ok() && left() > 0) Fail(std::to_string(left()) + " trailing bytes");
    return status_;
  }

  void Format() {
    uint8_t format = U8("the format byte");
    if (ok() && format != kFormat) Fail("unknown format " + std::to_string(format));
  }

 private:
  bool Need(size_t n, const char* what) {
    if (!ok()) return false;
    if (n > left()) {
      Fail(std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, " +
           std::to_string(left()) + " left");
      return false;
    }
    return true;
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  size_t start_ = 0;  // where the element read last begins: where a failure is
  Status status_;
};

void ReadDlr(Reader* r, Dlr* dlr) {
  uint32_t present = r->U32("a DLR's presence bitmap");
  if (r->ok() && (present >> kFieldCount) != 0) {
    r->Fail("a DLR's presence bitmap has a bit past the " + std::to_string(kFieldCount) +
            " fields");
    return;
  }
  for (size_t i = 0; i < kFieldCount && r->ok(); ++i) {
    if (present & (uint32_t{1} << i)) dlr->values[i] = r->String("a DLR's value");
  }
  dlr->raw = r->String("a DLR's raw");
  uint8_t c = r->U8("a DLR's class");
  switch (c) {
    case 0:
      break;
    case 1:
      dlr->dlr_class = DlrClass::kDelivered;
      break;
    case 2:
      dlr->dlr_class = DlrClass::kPending;
      break;
    case 3:
      dlr->dlr_class = DlrClass::kFailed;
      break;
    default:
      r->Fail("unknown class " + std::to_string(c));
  }
}

// The Status with this code's value and message (none when ok); nullopt for a
// value that is no StatusCode.
std::optional<Status> StatusOf(uint8_t code, std::string message) {
  switch (static_cast<StatusCode>(code)) {
    case StatusCode::kOk:
      return Status::Ok();
    case StatusCode::kInvalidArgument:
      return Status::InvalidArgument(std::move(message));
    case StatusCode::kUnprocessable:
      return Status::Unprocessable(std::move(message));
    case StatusCode::kUnauthenticated:
      return Status::Unauthenticated(std::move(message));
    case StatusCode::kPermissionDenied:
      return Status::PermissionDenied(std::move(message));
    case StatusCode::kNotFound:
      return Status::NotFound(std::move(message));
    case StatusCode::kMethodNotAllowed:
      return Status::MethodNotAllowed(std::move(message));
    case StatusCode::kTooLarge:
      return Status::TooLarge(std::move(message));
    case StatusCode::kTooManyRequests:
      return Status::TooManyRequests(std::move(message));
    case StatusCode::kUnavailable:
      return Status::Unavailable(std::move(message));
    case StatusCode::kInternal:
      return Status::Internal(std::move(message));
  }
  return std::nullopt;
}

}  // namespace

void EncodeBatches(const std::vector<const Batch*>& batches, std::string* out) {
  PutU8(kFormat, out);
  PutU32(batches.size(), out);
  for (const Batch* b : batches) {
    PutString(b->webhook, out);
    PutString(b->received_at, out);
    PutString(b->query, out);
    PutU32(b->dlrs.size(), out);
    for (const Dlr& d : b->dlrs) {
      uint32_t present = 0;
      for (size_t i = 0; i < kFieldCount; ++i) {
        if (d.values[i]) present |= uint32_t{1} << i;
      }
      PutLittleEndian(present, out);
      for (const std::optional<std::string>& v : d.values) {
        if (v) PutString(*v, out);
      }
      PutString(d.raw, out);
      PutU8(ClassByte(d.dlr_class), out);
    }
  }
}

StatusOr<std::vector<Batch>> DecodeBatches(std::string_view bytes) {
  Reader r(bytes);
  r.Format();
  std::vector<Batch> batches(r.Count(kMinBatchBytes, "the count of batches"));
  for (size_t i = 0; i < batches.size() && r.ok(); ++i) {
    Batch& b = batches[i];
    b.webhook = r.String("a batch's webhook");
    b.received_at = r.String("a batch's received_at");
    b.query = r.String("a batch's query");
    b.dlrs.resize(r.Count(kMinDlrBytes, "a batch's count of DLRs"));
    for (size_t j = 0; j < b.dlrs.size() && r.ok(); ++j) ReadDlr(&r, &b.dlrs[j]);
  }
  Status s = r.Finish();
  if (!s.ok()) return s;
  return batches;
}

void EncodeOutcome(const CommitOutcome& outcome, std::string* out) {
  PutU8(kFormat, out);
  PutU8(static_cast<uint8_t>(outcome.status.code()), out);
  PutString(outcome.status.message(), out);
  PutU32(outcome.results.size(), out);
  for (const BatchResult& result : outcome.results) {
    PutLittleEndian(uint64_t{result.stored}, out);
    PutLittleEndian(uint64_t{result.duplicates}, out);
  }
}

StatusOr<CommitOutcome> DecodeOutcome(std::string_view bytes) {
  Reader r(bytes);
  r.Format();
  uint8_t code = r.U8("the status code");
  if (r.ok() && !StatusOf(code, "")) r.Fail("unknown status code " + std::to_string(code));
  std::string message = r.String("the status message");
  if (r.ok() && code == 0 && !message.empty()) r.Fail("an ok status with a message");
  std::optional<Status> status;
  if (r.ok()) status = StatusOf(code, std::move(message));
  CommitOutcome outcome;
  outcome.results.resize(r.Count(kMinResultBytes, "the count of results"));
  for (BatchResult& result : outcome.results) {
    result.stored = r.U64("a result's stored");
    result.duplicates = r.U64("a result's duplicates");
  }
  Status s = r.Finish();
  if (!s.ok()) return s;
  outcome.status = std::move(*status);
  return outcome;
}

}  // namespace dlr
