#define BOOST_TEST_DYN_LINK
#include "common/base/datetime.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tests/testing/test_util.h"

namespace dlr {
namespace {

// 2026-03-15T12:34:56.789Z
const int64_t kNow = (DaysFromCivil(2026, 3, 15) * 86400 + 12 * 3600 + 34 * 60 + 56) * 1000 + 789;

struct Good {
  std::string in;
  DayBound bound;
  std::string want;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(DatetimeTest)

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
