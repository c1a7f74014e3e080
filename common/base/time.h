// Time for the whole program, in one place: the clock it reads (an interface,
// so that a test can set the time), and the text forms of a moment.
//
// A moment is stored, logged and shown as "YYYY-MM-DDTHH:MM:SS.mmmZ", always
// UTC, which sorts as text in time order; an operator may type it in the
// shorter forms ParseTimeArg accepts (dlrctl --since, --until, --before).
//
// Everything but SystemClock() is pure: the current time is a parameter.
#ifndef DLR_COMMON_BASE_TIME_H_
#define DLR_COMMON_BASE_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace dlr {

// Where the current time comes from. Code that needs "now" is given a Clock
// (the responder and dlrctl pass SystemClock(); tests pass a FakeClock from
// tests/testing/fake_clock.h) instead of reading the machine's clock itself.
// Implementations are thread-safe; a reading never fails and never allocates.
class Clock {
 public:
  virtual ~Clock() = default;

  // Wall time: milliseconds since 1970-01-01T00:00:00Z. May jump (NTP, an
  // operator setting the clock): not for measuring durations.
  virtual int64_t NowMillis() const = 0;

  // A monotonic reading in microseconds from an unspecified origin: only the
  // difference of two readings means anything (how long something took).
  virtual int64_t MonotonicMicros() const = 0;
};

// The machine's clock (CLOCK_REALTIME and CLOCK_MONOTONIC). One instance for
// the whole process, never destroyed, so it may be read at any time.
const Clock& SystemClock();

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar, and
// back (H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t year, int month, int day);
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day);

// Milliseconds since 1970-01-01T00:00:00Z as "YYYY-MM-DDTHH:MM:SS.mmmZ"
// (years 0000 to 9999).
std::string FormatUtcMillis(int64_t millis);

// Milliseconds since 1970 as "YYYYMMDDTHHMMSS" (ISO 8601's basic form, to the
// second, UTC), for names that carry a time: dlrctl send-test's DLR id.
std::string FormatUtcCompact(int64_t millis);

// A stored time as people read it: "2026-03-01T10:00:00.000Z" becomes
// "2026-03-01 10:00:00 UTC". Text too short to be a date-time comes back as
// it is.
std::string ReadableUtc(std::string_view stored);

// A stored time ("YYYY-MM-DDTHH:MM:SS.mmmZ", or any date or date-time that
// ParseTimeArg accepts, a date counting from its first moment) as
// milliseconds since 1970. InvalidArgument, naming what is wrong, when it is
// not one.
StatusOr<int64_t> ParseUtcMillis(std::string_view stored);

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

#endif  // DLR_COMMON_BASE_TIME_H_
