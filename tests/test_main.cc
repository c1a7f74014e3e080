// The unit tests' entry point: Boost.Test's main, and a global fixture that
// keeps the library's log lines (every refused request logs one) out of the
// test output. Tests that look at log lines capture them themselves.
#define BOOST_TEST_DYN_LINK
#define BOOST_TEST_MODULE dlr_webhook
#include <boost/test/unit_test.hpp>
#include <string>

#include "common/base/log.h"

namespace {

void Discard(void*, const std::string&) {}

struct QuietLog {
  QuietLog() {
    dlr::SetLogLevel(dlr::LogLevel::kError);
    dlr::SetThreadLogWriter(&Discard, nullptr);
  }
  ~QuietLog() { dlr::SetThreadLogWriter(nullptr, nullptr); }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(QuietLog);
