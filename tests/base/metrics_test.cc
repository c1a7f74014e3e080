#define BOOST_TEST_DYN_LINK
#include "common/base/metrics.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/temp_dir.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

// The samples of a text exposition: "name{labels}" -> value. Fails the test
// on a line that is neither a comment nor "<series> <number>".
std::map<std::string, double> Parse(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    BOOST_TEST_REQUIRE(space != std::string::npos, "line: " << line);
    char* end = nullptr;
    double v = std::strtod(line.c_str() + space + 1, &end);
    BOOST_TEST_REQUIRE(*end == '\0', "line: " << line);
    BOOST_TEST_REQUIRE(out.count(line.substr(0, space)) == 0u, "twice: " << line);
    out[line.substr(0, space)] = v;
  }
  return out;
}

using test::TempDir;

}  // namespace

BOOST_AUTO_TEST_SUITE(MetricsTest)

BOOST_AUTO_TEST_CASE(RendersEveryCounterWithItsCount) {
  std::unique_ptr<Metrics> m = Metrics::InMemory();
  m->CountAnswer(200);
  m->CountAnswer(200);
  m->CountAnswer(401);
  m->CountAnswer(418);  // not in the list: "other"
  m->CountStored(3, 1);
  m->CountRejected();
  m->CountStatus("DELIVRD");
  m->CountStatus("delivrd");
  m->CountStatus("DLT-REJECTED");
  m->CountStatus("SOMETHING-NEW");
  m->ObserveCommit(300);      // <= 0.0005 s
  m->ObserveCommit(2000);     // <= 0.0025 s
  m->ObserveCommit(9000000);  // +Inf only
  std::map<std::string, double> s = Parse(m->Render());
  BOOST_TEST(s["dlr_webhook_requests_total{code=\"200\"}"] == 2);
  BOOST_TEST(s["dlr_webhook_requests_total{code=\"401\"}"] == 1);
  BOOST_TEST(s["dlr_webhook_requests_total{code=\"other\"}"] == 1);
  BOOST_TEST(s["dlr_webhook_requests_total{code=\"503\"}"] == 0);
  BOOST_TEST(s["dlr_webhook_dlrs_stored_total"] == 3);
  BOOST_TEST(s["dlr_webhook_dlrs_duplicate_total"] == 1);
  BOOST_TEST(s["dlr_webhook_rejected_total"] == 1);
  BOOST_TEST(s["dlr_webhook_dlrs_total{status=\"DELIVRD\"}"] == 2);
  BOOST_TEST(s["dlr_webhook_dlrs_total{status=\"DLT\"}"] == 1);
  BOOST_TEST(s["dlr_webhook_dlrs_total{status=\"other\"}"] == 1);
  BOOST_TEST(s["dlr_webhook_commit_seconds_bucket{le=\"0.0005\"}"] == 1);
  BOOST_TEST(s["dlr_webhook_commit_seconds_bucket{le=\"0.001\"}"] == 1);
  BOOST_TEST(s["dlr_webhook_commit_seconds_bucket{le=\"0.0025\"}"] == 2);
  BOOST_TEST(s["dlr_webhook_commit_seconds_bucket{le=\"5\"}"] == 2);
  BOOST_TEST(s["dlr_webhook_commit_seconds_bucket{le=\"+Inf\"}"] == 3);
  BOOST_TEST(s["dlr_webhook_commit_seconds_count"] == 3);
  BOOST_TEST(s["dlr_webhook_commit_seconds_sum"] == 9.0023, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(EveryFamilyHasHelpAndType) {
  std::string text = Metrics::InMemory()->Render();
  for (const char* family :
       {"dlr_webhook_requests_total counter", "dlr_webhook_dlrs_stored_total counter",
        "dlr_webhook_dlrs_duplicate_total counter", "dlr_webhook_rejected_total counter",
        "dlr_webhook_dlrs_total counter", "dlr_webhook_commit_seconds histogram"}) {
    BOOST_TEST(text.find(std::string("# TYPE ") + family + "\n") != std::string::npos, family);
  }
}

BOOST_AUTO_TEST_CASE(StatusLabelsAreBounded) {
  BOOST_TEST(std::string(MetricsStatusLabel("AWAITING-DLR")) == "AWAITING-DLR");
  BOOST_TEST(std::string(MetricsStatusLabel("undeliv")) == "UNDELIV");
  BOOST_TEST(std::string(MetricsStatusLabel("dlt-xyz")) == "DLT");
  BOOST_TEST(std::string(MetricsStatusLabel("DLT")) == "other");
  BOOST_TEST(std::string(MetricsStatusLabel("other")) == "other");
  BOOST_TEST(std::string(MetricsStatusLabel("")) == "other");
}

BOOST_AUTO_TEST_CASE(TwoMappingsOfOneFileShareTheCounters) {
  TempDir dir{"metrics_test"};
  StatusOr<std::unique_ptr<Metrics>> a = Metrics::OpenShared(dir.File("m"));
  BOOST_TEST_REQUIRE(a.ok(), a.status().ToString());
  StatusOr<std::unique_ptr<Metrics>> b = Metrics::OpenShared(dir.File("m"));
  BOOST_TEST_REQUIRE(b.ok(), b.status().ToString());
  a.value()->CountStored(5, 0);
  b.value()->CountStored(2, 1);
  // Counted from several threads at once: nothing lost.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([m = t % 2 ? a.value().get() : b.value().get()] {
      for (int i = 0; i < 10000; ++i) m->CountAnswer(200);
    });
  }
  for (std::thread& t : threads) t.join();
  std::map<std::string, double> s = Parse(a.value()->Render());
  BOOST_TEST(s["dlr_webhook_dlrs_stored_total"] == 7);
  BOOST_TEST(s["dlr_webhook_dlrs_duplicate_total"] == 1);
  BOOST_TEST(s["dlr_webhook_requests_total{code=\"200\"}"] == 40000);
  BOOST_TEST(b.value()->Render() == a.value()->Render());
  // Reopened later (a restart): the counts are still there.
  a = Status::Internal("closed");
  b = Status::Internal("closed");
  StatusOr<std::unique_ptr<Metrics>> c = Metrics::OpenShared(dir.File("m"));
  BOOST_TEST_REQUIRE(c.ok());
  BOOST_TEST(Parse(c.value()->Render())["dlr_webhook_dlrs_stored_total"] == 7);
}

BOOST_AUTO_TEST_CASE(AFileOfAnotherLayoutIsRefused) {
  TempDir dir{"metrics_test"};
  int fd = open(dir.File("m").c_str(), O_WRONLY | O_CREAT, 0600);
  BOOST_TEST_REQUIRE(fd >= 0);
  std::string junk(sizeof(MetricsBlock), 'x');
  BOOST_TEST_REQUIRE(write(fd, junk.data(), junk.size()) == static_cast<ssize_t>(junk.size()));
  close(fd);
  StatusOr<std::unique_ptr<Metrics>> m = Metrics::OpenShared(dir.File("m"));
  BOOST_TEST_REQUIRE(!m.ok());
  BOOST_TEST(m.status().message().find("another layout") != std::string::npos);
  BOOST_TEST(truncate(dir.File("m").c_str(), 10) == 0);
  BOOST_TEST(!Metrics::OpenShared(dir.File("m")).ok());
}

BOOST_AUTO_TEST_CASE(AFileRootCreatesBelongsToItsDirectorysOwner) {
  TempDir dir{"metrics_test"};
  struct stat st;
  if (geteuid() != 0) {
    // Only root can give a file away: as anyone else the file is simply the caller's.
    BOOST_TEST_MESSAGE("not root: the file is checked to be the caller's only");
    BOOST_TEST_REQUIRE(Metrics::OpenShared(dir.File("m")).ok());
    BOOST_TEST_REQUIRE(stat(dir.File("m").c_str(), &st) == 0);
    BOOST_TEST(st.st_uid == geteuid());
    return;
  }
  // The service's directory (nobody's here); root opens the metrics file first.
  BOOST_TEST_REQUIRE(chown(dir.path().c_str(), 65534, 65534) == 0);
  BOOST_TEST_REQUIRE(Metrics::OpenShared(dir.File("m")).ok());
  BOOST_TEST_REQUIRE(stat(dir.File("m").c_str(), &st) == 0);
  BOOST_TEST(st.st_uid == 65534u);
  BOOST_TEST(st.st_gid == 65534u);
  // A file root made before is given back too.
  BOOST_TEST_REQUIRE(chown(dir.File("m").c_str(), 0, 0) == 0);
  BOOST_TEST_REQUIRE(Metrics::OpenShared(dir.File("m")).ok());
  BOOST_TEST_REQUIRE(stat(dir.File("m").c_str(), &st) == 0);
  BOOST_TEST(st.st_uid == 65534u);
  // In a directory of root's, it stays root's.
  TempDir root_dir{"metrics_test"};
  BOOST_TEST_REQUIRE(Metrics::OpenShared(root_dir.File("m")).ok());
  BOOST_TEST_REQUIRE(stat(root_dir.File("m").c_str(), &st) == 0);
  BOOST_TEST(st.st_uid == 0u);
}

BOOST_AUTO_TEST_CASE(AnUnopenableFileIsUnavailable) {
  StatusOr<std::unique_ptr<Metrics>> m = Metrics::OpenShared("/nonexistent-dir/m");
  BOOST_TEST_REQUIRE(!m.ok());
  BOOST_TEST(m.status().code() == StatusCode::kUnavailable);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
