// Counters for Prometheus, shared by every process of a deployment.
//
// A deployment runs several responder processes (spawn-fcgi -F 4, mod_fcgid,
// or CGI, where each request is a process of its own) and a scrape reaches one
// of them at random, so counters kept per process would jump up and down from
// one scrape to the next. The counters therefore live in a small file of fixed
// layout (MetricsBlock) that every process maps shared: each increment is one
// lock-free atomic add on the mapped page, seen at once by every other process,
// and the counts survive a restart of the responders (they start from zero
// when the file is removed, which Prometheus reads as a counter reset).
//
// The label sets are fixed, so the layout is: answer codes (a list, plus
// "other"), DLR statuses (the platform's table, DLT-* folded into "DLT", plus
// "other"), and the commit-latency buckets.
//
// Thread and process safety: every method may be called from any thread of
// any process mapping the same file.
#ifndef DLR_COMMON_BASE_METRICS_H_
#define DLR_COMMON_BASE_METRICS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace dlr {

inline constexpr int kMetricsAnswerCodes[] = {200, 400, 401, 403, 404, 405, 413, 422, 500, 503};
inline constexpr size_t kMetricsNumCodes = sizeof kMetricsAnswerCodes / sizeof(int) + 1;
inline constexpr const char* kMetricsStatuses[] = {
    "DELIVRD",     "AWAITING-DLR", "UNDELIV", "EXPIRED",  "REJECTED", "DNDNUMB", "ABSENT-SUB",
    "HANDSET-ERR", "BARRED",       "NET-ERR", "BLACKLST", "DLT",      "other"};
inline constexpr size_t kMetricsNumStatuses = sizeof kMetricsStatuses / sizeof(const char*);
// Upper bounds of the commit-latency buckets, in microseconds (+Inf after).
inline constexpr uint64_t kMetricsLatencyBucketsUs[] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000};
inline constexpr size_t kMetricsNumBuckets = sizeof kMetricsLatencyBucketsUs / sizeof(uint64_t) + 1;

inline constexpr uint64_t kMetricsMagic = 0x31534349'5254454dull;  // "METRICS1"
inline constexpr uint32_t kMetricsVersion = 1;

// The shared file's layout (version 1). All counters start at zero (a file
// extended by ftruncate reads as zeros).
struct MetricsBlock {
  uint64_t magic;
  uint32_t version;
  uint32_t size;                                     // sizeof(MetricsBlock) when written
  std::atomic<uint64_t> requests[kMetricsNumCodes];  // answers, by code
  std::atomic<uint64_t> dlrs_stored;
  std::atomic<uint64_t> dlrs_duplicate;
  std::atomic<uint64_t> rejected;                             // kept in dlr_rejected (400/422)
  std::atomic<uint64_t> dlrs_by_status[kMetricsNumStatuses];  // in acknowledged requests
  std::atomic<uint64_t> commit_buckets[kMetricsNumBuckets];   // not cumulative
  std::atomic<uint64_t> commit_sum_us;
  std::atomic<uint64_t> commit_count;
};
static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "shared counters need lock-free 64-bit atomics");

class Metrics {
 public:
  // Counters in this process's memory (tests; a process whose file failed).
  static std::unique_ptr<Metrics> InMemory();
  // Maps `file`, creating it (mode 0640) when missing: the first process sizes
  // and stamps it under an exclusive flock, the others wait for that and
  // check the stamp. Unavailable when it cannot be opened or mapped;
  // Internal when it holds something else (another layout version).
  static StatusOr<std::unique_ptr<Metrics>> OpenShared(const std::string& file);

  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answer with HTTP status `code`.
  void CountAnswer(int code);
  // The outcome of one acknowledged request.
  void CountStored(uint64_t stored, uint64_t duplicates);
  // One DLR of an acknowledged request, by its status.
  void CountStatus(std::string_view status);
  // One request refused as 400/422 and kept in dlr_rejected.
  void CountRejected();
  // The time one commit took, as the request waited for it.
  void ObserveCommit(uint64_t micros);

  // The Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

  const std::string& file() const { return file_; }  // "" in memory

 private:
  Metrics() = default;
  MetricsBlock* block_ = nullptr;
  bool mapped_ = false;
  std::string file_;
};

// The label "status" a DLR status is counted under (see kMetricsStatuses).
const char* MetricsStatusLabel(std::string_view status);

}  // namespace dlr

#endif  // DLR_COMMON_BASE_METRICS_H_
