#define BOOST_TEST_DYN_LINK
#include "common/base/time.h"

#include <time.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/testing/fake_clock.h"
#include "tests/testing/test_util.h"

namespace dlr {
namespace {

// 2026-03-15T12:34:56.789Z
const int64_t kNow = (DaysFromCivil(2026, 3, 15) * 86400 + 12 * 3600 + 34 * 60 + 56) * 1000 + 789;

// True when `s` is "YYYY-MM-DDTHH:MM:SS.mmmZ": the text of the moment it names.
bool HasUtcFormat(const std::string& s) {
  StatusOr<int64_t> millis = ParseUtcMillis(s);
  return millis.ok() && FormatUtcMillis(millis.value()) == s;
}

// The machine's wall time, read without the module under test.
int64_t MachineMillis() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

struct Good {
  std::string in;
  DayBound bound;
  std::string want;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(SystemClockTest)

BOOST_AUTO_TEST_CASE(IsTheMachinesWallTime) {
  const int64_t before = MachineMillis();
  const int64_t now = SystemClock().NowMillis();
  const int64_t after = MachineMillis();
  BOOST_TEST(now >= before);
  BOOST_TEST(now <= after);
}

BOOST_AUTO_TEST_CASE(FormattedNowHasTheStoredRowsFormat) {
  std::string now = FormatUtcMillis(SystemClock().NowMillis());
  BOOST_TEST(HasUtcFormat(now), now);
}

BOOST_AUTO_TEST_CASE(FormattedNowSortsAsTextInTimeOrder) {
  std::string prev = FormatUtcMillis(SystemClock().NowMillis());
  for (int i = 0; i < 2000; ++i) {
    std::string next = FormatUtcMillis(SystemClock().NowMillis());
    BOOST_TEST_REQUIRE(prev <= next);
    prev = next;
  }
}

BOOST_AUTO_TEST_CASE(TheMonotonicReadingNeverGoesBack) {
  int64_t prev = SystemClock().MonotonicMicros();
  for (int i = 0; i < 2000; ++i) {
    int64_t next = SystemClock().MonotonicMicros();
    BOOST_TEST_REQUIRE(prev <= next);
    prev = next;
  }
  const int64_t start = SystemClock().MonotonicMicros();
  timespec pause = {0, 2000000};  // 2 ms
  nanosleep(&pause, nullptr);
  BOOST_TEST(SystemClock().MonotonicMicros() - start >= 2000);
}

BOOST_AUTO_TEST_CASE(IsOneInstance) { BOOST_TEST(&SystemClock() == &SystemClock()); }

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FakeClockTest)

BOOST_AUTO_TEST_CASE(ShowsWhatItWasSetToAndMovesWhenTold) {
  test::FakeClock clock;
  BOOST_TEST(FormatUtcMillis(clock.NowMillis()) == "2026-03-01T10:00:00.000Z");
  const int64_t start = clock.MonotonicMicros();
  BOOST_TEST(clock.NowMillis() == test::FakeClock::kDefaultMillis);
  BOOST_TEST(clock.MonotonicMicros() == start);
  clock.AdvanceMillis(1500);
  BOOST_TEST(FormatUtcMillis(clock.NowMillis()) == "2026-03-01T10:00:01.500Z");
  BOOST_TEST(clock.MonotonicMicros() - start == 1500000);
  clock.SetMillis(kNow);
  BOOST_TEST(clock.NowMillis() == kNow);
  BOOST_TEST(clock.MonotonicMicros() - start == 1500000);  // a set wall time leaves it
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(TimeFormatTest)

BOOST_AUTO_TEST_CASE(CivilDaysRoundTrip) {
  BOOST_TEST(DaysFromCivil(1970, 1, 1) == 0);
  BOOST_TEST(DaysFromCivil(2000, 3, 1) == 11017);
  BOOST_TEST(DaysFromCivil(1969, 12, 31) == -1);
  for (int64_t d = -800000; d <= 2932896; d += 997) {  // 0000-01-01 .. 9999-12-31
    int64_t y = 0;
    int m = 0, day = 0;
    CivilFromDays(d, &y, &m, &day);
    BOOST_TEST_REQUIRE(DaysFromCivil(y, m, day) == d);
  }
}

BOOST_AUTO_TEST_CASE(FormatsMillisLikeTheStoredRows) {
  BOOST_TEST(FormatUtcMillis(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(FormatUtcMillis(kNow) == "2026-03-15T12:34:56.789Z");
  BOOST_TEST(FormatUtcMillis(-1) == "1969-12-31T23:59:59.999Z");
  BOOST_TEST(FormatUtcMillis(951782400000) == "2000-02-29T00:00:00.000Z");
  const int64_t year_10000 = DaysFromCivil(10000, 1, 1) * 86400000;
  BOOST_TEST(FormatUtcMillis(year_10000 - 1) == "9999-12-31T23:59:59.999Z");
  BOOST_TEST(FormatUtcMillis(year_10000) == "10000-01-01T00:00:00.000Z");  // beyond: wider
  BOOST_TEST(FormatUtcMillis(DaysFromCivil(0, 1, 1) * 86400000) == "0000-01-01T00:00:00.000Z");
  BOOST_TEST(FormatUtcMillis(DaysFromCivil(0, 1, 1) * 86400000 - 1) == "-001-12-31T23:59:59.999Z");
}

BOOST_AUTO_TEST_CASE(FormatsACompactStamp) {
  BOOST_TEST(FormatUtcCompact(0) == "19700101T000000");
  BOOST_TEST(FormatUtcCompact(kNow) == "20260315T123456");
}

BOOST_AUTO_TEST_CASE(ShowsAStoredTimeToPeople) {
  BOOST_TEST(ReadableUtc("2026-03-01T10:00:00.000Z") == "2026-03-01 10:00:00 UTC");
  BOOST_TEST(ReadableUtc("2026-03-01T10:00:05") == "2026-03-01 10:00:05 UTC");
  BOOST_TEST(ReadableUtc("2026-03-01") == "2026-03-01");  // not a date-time: as it is
  BOOST_TEST(ReadableUtc("") == "");
}

BOOST_AUTO_TEST_CASE(ReadsAStoredTime) {
  StatusOr<int64_t> t = ParseUtcMillis("2026-03-15T12:34:56.789Z");
  BOOST_TEST_REQUIRE(t.ok(), t.status().ToString());
  BOOST_TEST(t.value() == kNow);
  for (int64_t ms : {int64_t{0}, kNow, int64_t{951782400000}, kNow + int64_t{86400000} * 400 + 1}) {
    StatusOr<int64_t> back = ParseUtcMillis(FormatUtcMillis(ms));
    BOOST_TEST_REQUIRE(back.ok(), back.status().ToString());
    BOOST_TEST(back.value() == ms);
  }
  StatusOr<int64_t> day = ParseUtcMillis("2026-03-15");
  BOOST_TEST_REQUIRE(day.ok());
  BOOST_TEST(day.value() == DaysFromCivil(2026, 3, 15) * 86400000);
  for (const char* bad : {"", "-", "never", "2026-03-15X12:34", "2026-13-01T00:00:00.000Z",
                          "2026-03-15T12:34:56.789Zjunk", "today"}) {
    StatusOr<int64_t> got = ParseUtcMillis(bad);
    BOOST_TEST(!got.ok(), bad);
    BOOST_TEST((got.status().code() == StatusCode::kInvalidArgument));
  }
}

BOOST_AUTO_TEST_CASE(ParsesWhatOperatorsType) {
  const Good cases[] = {
      {"2024-03-01", DayBound::kStart, "2024-03-01T00:00:00.000Z"},
      {"2024-03-01", DayBound::kEnd, "2024-03-02T00:00:00.000Z"},  // the whole day included
      {"2024-02-29", DayBound::kEnd, "2024-03-01T00:00:00.000Z"},  // leap year
      {"2024-12-31", DayBound::kEnd, "2025-01-01T00:00:00.000Z"},
      {"2024-03-01T10:00", DayBound::kStart, "2024-03-01T10:00:00.000Z"},
      {"2024-03-01T10:00", DayBound::kEnd, "2024-03-01T10:00:00.000Z"},  // a moment stays
      {"2024-03-01 10:00:05", DayBound::kStart, "2024-03-01T10:00:05.000Z"},
      {"2024-03-01t10:00:05", DayBound::kStart, "2024-03-01T10:00:05.000Z"},
      {"2024-03-01T10:00:05.5", DayBound::kStart, "2024-03-01T10:00:05.500Z"},
      {"2024-03-01T10:00:05.25", DayBound::kStart, "2024-03-01T10:00:05.250Z"},
      {"2024-03-01T10:00:05.678Z", DayBound::kStart, "2024-03-01T10:00:05.678Z"},
      {"2024-03-01T10:00:05.678999", DayBound::kStart, "2024-03-01T10:00:05.678Z"},  // cut
      {"2024-03-01T10:00:05,1", DayBound::kStart, "2024-03-01T10:00:05.100Z"},
      {"2024-03-01T10:00Z", DayBound::kStart, "2024-03-01T10:00:00.000Z"},
      {"2024-03-01T10:00+02:00", DayBound::kStart, "2024-03-01T08:00:00.000Z"},
      {"2024-03-01T01:00+0200", DayBound::kStart, "2024-02-29T23:00:00.000Z"},
      {"2024-03-01T23:30-05", DayBound::kStart, "2024-03-02T04:30:00.000Z"},
      {"2024-03-01T10:00:00-05:30", DayBound::kStart, "2024-03-01T15:30:00.000Z"},
      {"today", DayBound::kStart, "2026-03-15T00:00:00.000Z"},
      {"today", DayBound::kEnd, "2026-03-16T00:00:00.000Z"},
      {"yesterday", DayBound::kStart, "2026-03-14T00:00:00.000Z"},
      {"yesterday", DayBound::kEnd, "2026-03-15T00:00:00.000Z"},
      {"0001-01-01", DayBound::kStart, "0001-01-01T00:00:00.000Z"},
  };
  for (const Good& c : cases) {
    BOOST_TEST_CONTEXT("[" << c.in << "] " << (c.bound == DayBound::kEnd ? "end" : "start")) {
      StatusOr<std::string> got = ParseTimeArg(c.in, c.bound, kNow);
      BOOST_TEST_REQUIRE(got.ok(), got.status().ToString());
      BOOST_TEST(got.value() == c.want);
    }
  }
}

BOOST_AUTO_TEST_CASE(RefusesWhatIsNotATime) {
  const char* const cases[] = {
      "",
      "Today",
      "2024",
      "2024-3-01",
      "24-03-01",
      "2024/03/01",
      "2024-13-01",
      "2024-00-10",
      "2024-02-30",
      "2023-02-29",  // not a leap year
      "2024-04-31",
      "2024-03-01T",
      "2024-03-01T10",
      "2024-03-01T24:00",
      "2024-03-01T10:60",
      "2024-03-01T10:00:60",
      "2024-03-01T10:00:5",
      "2024-03-01T10:00:05.",
      "2024-03-01T10:00:05.x",
      "2024-03-01T10:00 ",
      "2024-03-01X10:00",
      "2024-03-01T10:00+2",
      "2024-03-01T10:00+24:00",
      "2024-03-01T10:00+02:60",
      "2024-03-01T10:00+02:00x",
      "2024-03-01T10:00ZZ",
      "2024-03-01 ",
      " 2024-03-01",
      "0000-01-01T00:00+01:00",  // before year 0
      "9999-12-31T23:30-01:00",  // after year 9999
  };
  for (const char* in : cases) {
    BOOST_TEST_CONTEXT("[" << in << "]") {
      StatusOr<std::string> got = ParseTimeArg(in, DayBound::kStart, kNow);
      BOOST_TEST(!got.ok());
      BOOST_TEST(got.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(got.status().message().find("YYYY-MM-DD") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
