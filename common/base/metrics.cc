#include "common/base/metrics.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

namespace dlr {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string Seconds(uint64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(micros) / 1e6);
  return buf;
}

// Closes the fd whatever happens.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

const char* MetricsStatusLabel(std::string_view status) {
  if (status.size() >= 4 && EqualsNoCase(status.substr(0, 4), "DLT-")) return "DLT";
  for (const char* s : kMetricsStatuses) {
    if (EqualsNoCase(status, s) && std::strcmp(s, "other") != 0 && std::strcmp(s, "DLT") != 0) {
      return s;
    }
  }
  return "other";
}

std::unique_ptr<Metrics> Metrics::InMemory() {
  std::unique_ptr<Metrics> m(new Metrics());
  void* mem = ::operator new(sizeof(MetricsBlock));
  std::memset(mem, 0, sizeof(MetricsBlock));
  m->block_ = static_cast<MetricsBlock*>(mem);
  m->block_->magic = kMetricsMagic;
  m->block_->version = kMetricsVersion;
  m->block_->size = sizeof(MetricsBlock);
  return m;
}

StatusOr<std::unique_ptr<Metrics>> Metrics::OpenShared(const std::string& file) {
  Fd f{open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640)};
  if (f.fd < 0) {
    return Status::Unavailable("cannot open the metrics file " + file + ": " +
                               std::strerror(errno));
  }
  // A file root made (a CGI run or dlrctl as root, a package's maintainer script) belongs to the
  // owner of its directory, where the responders write (see metrics.file), so that the service's
  // user can open it too, as SQLite does for -wal and -shm. On failure it stays root's.
  if (geteuid() == 0) {
    const size_t slash = file.find_last_of('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : file.substr(0, slash));
    struct stat dir_st, file_st;
    if (stat(dir.c_str(), &dir_st) == 0 && fstat(f.fd, &file_st) == 0 && file_st.st_uid == 0 &&
        dir_st.st_uid != 0) {
      (void)!fchown(f.fd, dir_st.st_uid, dir_st.st_gid);
    }
  }
  // Whoever comes first sizes and stamps the file; the others wait here.
  while (flock(f.fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      return Status::Unavailable("cannot lock the metrics file " + file + ": " +
                                 std::strerror(errno));
    }
  }
  struct stat st;
  if (fstat(f.fd, &st) != 0) {
    return Status::Unavailable("cannot read the metrics file " + file + ": " +
                               std::strerror(errno));
  }
  const bool fresh = st.st_size == 0;
  if (fresh && ftruncate(f.fd, static_cast<off_t>(sizeof(MetricsBlock))) != 0) {
    return Status::Unavailable("cannot size the metrics file " + file + ": " +
                               std::strerror(errno));
  }
  if (!fresh && static_cast<size_t>(st.st_size) != sizeof(MetricsBlock)) {
    return Status::Internal("the metrics file " + file +
                            " has another layout (remove it to start the counters again)");
  }
  void* mem = mmap(nullptr, sizeof(MetricsBlock), PROT_READ | PROT_WRITE, MAP_SHARED, f.fd, 0);
  if (mem == MAP_FAILED) {
    return Status::Unavailable("cannot map the metrics file " + file + ": " + std::strerror(errno));
  }
  MetricsBlock* block = static_cast<MetricsBlock*>(mem);
  if (fresh) {
    block->size = sizeof(MetricsBlock);
    block->version = kMetricsVersion;
    block->magic = kMetricsMagic;
  } else if (block->magic != kMetricsMagic || block->version != kMetricsVersion ||
             block->size != sizeof(MetricsBlock)) {
    munmap(mem, sizeof(MetricsBlock));
    return Status::Internal("the metrics file " + file +
                            " has another layout (remove it to start the counters again)");
  }
  flock(f.fd, LOCK_UN);
  std::unique_ptr<Metrics> m(new Metrics());
  m->block_ = block;
  m->mapped_ = true;
  m->file_ = file;
  return m;
}

Metrics::~Metrics() {
  if (mapped_) {
    munmap(block_, sizeof(MetricsBlock));
  } else {
    ::operator delete(block_);
  }
}

void Metrics::CountAnswer(int code) {
  size_t i = 0;
  while (i < kMetricsNumCodes - 1 && kMetricsAnswerCodes[i] != code) ++i;
  block_->requests[i].fetch_add(1, kRelaxed);
}

void Metrics::CountStored(uint64_t stored, uint64_t duplicates) {
  block_->dlrs_stored.fetch_add(stored, kRelaxed);
  block_->dlrs_duplicate.fetch_add(duplicates, kRelaxed);
}

void Metrics::CountStatus(std::string_view status) {
  const char* label = MetricsStatusLabel(status);
  for (size_t i = 0; i < kMetricsNumStatuses; ++i) {
    if (std::strcmp(kMetricsStatuses[i], label) == 0) {
      block_->dlrs_by_status[i].fetch_add(1, kRelaxed);
      return;
    }
  }
}

void Metrics::CountRejected() { block_->rejected.fetch_add(1, kRelaxed); }

void Metrics::ObserveCommit(uint64_t micros) {
  size_t i = 0;
  while (i < kMetricsNumBuckets - 1 && micros > kMetricsLatencyBucketsUs[i]) ++i;
  block_->commit_buckets[i].fetch_add(1, kRelaxed);
  block_->commit_sum_us.fetch_add(micros, kRelaxed);
  block_->commit_count.fetch_add(1, kRelaxed);
}

std::string Metrics::Render() const {
  const MetricsBlock& b = *block_;
  std::string out;
  auto line = [&out](const std::string& name, uint64_t value) {
    out += name + " " + std::to_string(value) + "\n";
  };
  out += "# HELP dlr_webhook_requests_total Answers to webhook requests, by HTTP status.\n";
  out += "# TYPE dlr_webhook_requests_total counter\n";
  for (size_t i = 0; i < kMetricsNumCodes; ++i) {
    std::string code =
        i < kMetricsNumCodes - 1 ? std::to_string(kMetricsAnswerCodes[i]) : std::string("other");
    line("dlr_webhook_requests_total{code=\"" + code + "\"}", b.requests[i].load(kRelaxed));
  }
  out += "# HELP dlr_webhook_dlrs_stored_total DLR events stored (new rows).\n";
  out += "# TYPE dlr_webhook_dlrs_stored_total counter\n";
  line("dlr_webhook_dlrs_stored_total", b.dlrs_stored.load(kRelaxed));
  out += "# HELP dlr_webhook_dlrs_duplicate_total DLR events acknowledged as duplicates.\n";
  out += "# TYPE dlr_webhook_dlrs_duplicate_total counter\n";
  line("dlr_webhook_dlrs_duplicate_total", b.dlrs_duplicate.load(kRelaxed));
  out +=
      "# HELP dlr_webhook_rejected_total Requests refused as 400/422 and kept in dlr_rejected.\n";
  out += "# TYPE dlr_webhook_rejected_total counter\n";
  line("dlr_webhook_rejected_total", b.rejected.load(kRelaxed));
  out += "# HELP dlr_webhook_dlrs_total DLRs in acknowledged requests, by status.\n";
  out += "# TYPE dlr_webhook_dlrs_total counter\n";
  for (size_t i = 0; i < kMetricsNumStatuses; ++i) {
    line(std::string("dlr_webhook_dlrs_total{status=\"") + kMetricsStatuses[i] + "\"}",
         b.dlrs_by_status[i].load(kRelaxed));
  }
  out += "# HELP dlr_webhook_commit_seconds Time a request waited for its DLRs to be committed.\n";
  out += "# TYPE dlr_webhook_commit_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kMetricsNumBuckets; ++i) {
    cumulative += b.commit_buckets[i].load(kRelaxed);
    std::string le = i < kMetricsNumBuckets - 1 ? Seconds(kMetricsLatencyBucketsUs[i]) : "+Inf";
    line("dlr_webhook_commit_seconds_bucket{le=\"" + le + "\"}", cumulative);
  }
  out += "dlr_webhook_commit_seconds_sum " + Seconds(b.commit_sum_us.load(kRelaxed)) + "\n";
  // The count equals the +Inf bucket, as the format requires, even while
  // another process is between its two adds.
  line("dlr_webhook_commit_seconds_count", cumulative);
  return out;
}

}  // namespace dlr
