// Times as an operator gives them (dlrctl --since, --until, --before) and as
// the stored rows show them: "YYYY-MM-DDTHH:MM:SS.mmmZ", always UTC, which
// sorts as text in time order.
//
// Pure functions: the current time is a parameter.
#ifndef DLR_COMMON_BASE_DATETIME_H_
#define DLR_COMMON_BASE_DATETIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace dlr {

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar, and
// back (H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t year, int month, int day);
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day);

// Milliseconds since 1970-01-01T00:00:00Z as "YYYY-MM-DDTHH:MM:SS.mmmZ"
// (years 0000 to 9999).
std::string FormatUtcMillis(int64_t millis);

// How a date without a time counts.
enum class DayBound {
  kStart,  // its first moment: --since 2024-03-01, --before 2024-03-01
  kEnd,    // the next day's first moment, so an exclusive upper bound
           // includes the whole day: --until 2024-03-01 includes March 1st
};

// Parses what an operator typed into "YYYY-MM-DDTHH:MM:SS.mmmZ":
//   2024-03-01                        a date (see DayBound), UTC
//   today, yesterday                  the UTC date of `now_millis`, or the day before
//   2024-03-01T10:00, 2024-03-01 10:00:05, 2024-03-01T10:00:05.25
//                                     a moment, UTC unless a zone follows:
//   ...Z, ...+02:00, ...-0530, ...+02 a zone offset, converted to UTC
// A moment is taken as it is, whatever `bound`. Fractions beyond
// milliseconds are cut. InvalidArgument names what is wrong.
StatusOr<std::string> ParseTimeArg(std::string_view text, DayBound bound, int64_t now_millis);

}  // namespace dlr

#endif  // DLR_COMMON_BASE_DATETIME_H_
