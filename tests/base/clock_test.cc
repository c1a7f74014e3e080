#define BOOST_TEST_DYN_LINK
#include "common/base/clock.h"

#include <sys/time.h>

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <ctime>
#include <string>

namespace dlr {
namespace {

// True when `s` is "YYYY-MM-DDTHH:MM:SS.mmmZ".
bool HasUtcFormat(const std::string& s) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (s.size() != shape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != shape[i]) {
      return false;
    }
  }
  return true;
}

// The seconds since the epoch that `s` (in that format) names.
time_t ParseUtc(const std::string& s) {
  struct tm tm = {};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  tm.tm_hour = std::stoi(s.substr(11, 2));
  tm.tm_min = std::stoi(s.substr(14, 2));
  tm.tm_sec = std::stoi(s.substr(17, 2));
  return timegm(&tm);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(UtcNowTest)

BOOST_AUTO_TEST_CASE(HasTheStoredRowsFormat) {
  std::string now = UtcNow();
  BOOST_TEST(HasUtcFormat(now), now);
}

BOOST_AUTO_TEST_CASE(IsTheCurrentTimeInUtc) {
  // gettimeofday, as time() may lag behind it by a clock tick.
  struct timeval before, after;
  gettimeofday(&before, nullptr);
  std::string now = UtcNow();
  gettimeofday(&after, nullptr);
  BOOST_TEST_REQUIRE(HasUtcFormat(now), now);
  time_t t = ParseUtc(now);
  BOOST_TEST(t >= before.tv_sec);
  BOOST_TEST(t <= after.tv_sec);
}

BOOST_AUTO_TEST_CASE(MillisAgreeWithTheText) {
  struct timeval before;
  gettimeofday(&before, nullptr);
  int64_t ms = UtcNowMillis();
  BOOST_TEST(ms / 1000 >= static_cast<int64_t>(before.tv_sec));
  BOOST_TEST(ms / 1000 <= static_cast<int64_t>(before.tv_sec) + 2);
}

BOOST_AUTO_TEST_CASE(SortsAsTextInTimeOrder) {
  std::string prev = UtcNow();
  for (int i = 0; i < 2000; ++i) {
    std::string next = UtcNow();
    BOOST_TEST_REQUIRE(prev <= next);
    prev = next;
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
