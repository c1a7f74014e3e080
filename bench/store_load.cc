// store_load: the work of storing DLRs through one backend, by group size, without a web server in
// front: commits GROUPS groups of N unique DLRs (one batch per commit, as the group commit hands a
// backend), one after another, and prints per DLR the wall time, this process's CPU time and the
// database server's CPU time. Used by bench/store_load.sh.
//
//   store_load DATABASE GROUPS N [SERVER_PID]
//
// DATABASE is a SQLite path or a postgresql:// or mysql:// URL. The server's CPU time is read from
// /proc: SERVER_PID's (MariaDB: the server process), or, on PostgreSQL without it, the backend
// process of this connection (SELECT pg_backend_pid()). Exits 1 when a commit fails or stores fewer
// DLRs than it was given.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/store/factory/open_store.h"
#include "common/store/store.h"

namespace {

// utime + stime of `pid`, in seconds; -1 when it cannot be read.
double ProcessCpu(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream in(stat.substr(paren + 2));
  std::vector<std::string> fields{std::istream_iterator<std::string>(in),
                                  std::istream_iterator<std::string>()};
  if (fields.size() < 13) return -1;
  return (std::stod(fields[11]) + std::stod(fields[12])) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

double OwnCpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

dlr::Batch Group(const std::string& prefix, int g, int n) {
  dlr::Batch b;
  b.webhook = "sms";
  b.received_at = "2024-01-02T03:04:05.678Z";
  for (int i = 0; i < n; ++i) {
    const std::string id = prefix + std::to_string(g) + "-" + std::to_string(i);
    dlr::Dlr d;
    d.Set(dlr::Field::kId, id);
    d.Set(dlr::Field::kMobile, "919800000000");
    d.Set(dlr::Field::kStatus, "DELIVRD");
    d.Set(dlr::Field::kDelivTime, "2024-01-01 10:00:00");
    d.Set(dlr::Field::kSentTime, "2024-01-01 09:59:58");
    d.raw = "{\"id\": \"" + id +
            "\", \"mobile\": \"919800000000\", \"status\": \"DELIVRD\", \"deliv_time\": "
            "\"2024-01-01 10:00:00\", \"sent_time\": \"2024-01-01 09:59:58\"}";
    b.dlrs.push_back(std::move(d));
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: store_load DATABASE GROUPS N [SERVER_PID]\n");
    return 2;
  }
  const int groups = std::atoi(argv[2]), n = std::atoi(argv[3]);
  dlr::StoreOptions options;
  options.busy_timeout_ms = 5000;
  dlr::StatusOr<std::unique_ptr<dlr::Store>> opened = dlr::OpenStore(argv[1], options);
  if (!opened.ok() || groups < 1 || n < 1) {
    std::fprintf(
        stderr, "store_load: %s\n",
        opened.ok() ? "GROUPS and N must be positive" : opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<dlr::Store> store = std::move(opened).value();
  dlr::Status s = store->EnsureSchema();
  long server = argc == 5 ? std::atol(argv[4]) : 0;
  if (s.ok() && server == 0 && std::string(argv[1]).rfind("postgres", 0) == 0) {
    dlr::StatusOr<std::vector<dlr::Row>> rows = store->Query("SELECT pg_backend_pid()", {});
    if (rows.ok() && !rows.value().empty() && rows.value()[0][0]) {
      server = std::atol(rows.value()[0][0]->c_str());
    }
  }
  const std::string prefix =
      "load-" + std::to_string(getpid()) + "-" + std::to_string(std::time(nullptr)) + "-";
  std::vector<dlr::Batch> batches;
  for (int g = 0; g < groups + 20; ++g) batches.push_back(Group(prefix, g, n));
  auto commit = [&](const dlr::Batch& b) {
    std::vector<dlr::BatchResult> results;
    dlr::Status c = store->Commit({&b}, &results);
    if (c.ok() && results[0].stored != static_cast<size_t>(n))
      c = dlr::Status::Internal("stored " + std::to_string(results[0].stored) + " of " +
                                std::to_string(n));
    return c;
  };
  for (int g = 0; g < 20 && s.ok(); ++g) s = commit(batches[static_cast<size_t>(groups + g)]);
  const double server0 = server > 0 ? ProcessCpu(server) : -1, own0 = OwnCpu();
  const auto t0 = std::chrono::steady_clock::now();
  for (int g = 0; g < groups && s.ok(); ++g) s = commit(batches[static_cast<size_t>(g)]);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double server1 = server > 0 ? ProcessCpu(server) : -1, own1 = OwnCpu();
  if (!s.ok()) {
    std::fprintf(stderr, "store_load: %s\n", s.ToString().c_str());
    return 1;
  }
  const double per = 1e6 / (static_cast<double>(groups) * n);
  char server_cpu[32] = "-";
  if (server0 >= 0 && server1 >= 0)
    std::snprintf(server_cpu, sizeof server_cpu, "%.1f", (server1 - server0) * per);
  std::printf("wall_us %.1f client_cpu_us %.1f server_cpu_us %s\n", wall * per, (own1 - own0) * per,
              server_cpu);
  return 0;
}
