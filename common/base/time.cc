#include "common/base/time.h"

#include <time.h>

#include <cstdio>

namespace dlr {
namespace {

constexpr int64_t kMillisPerDay = 86400000;

class MachineClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }
  int64_t MonotonicMicros() const override {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  }
};

// A moment broken into the fields of its text form (UTC).
struct CivilTime {
  int64_t year = 0;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
};

CivilTime CivilFromMillis(int64_t millis) {
  int64_t days = millis / kMillisPerDay;
  int64_t rest = millis % kMillisPerDay;
  if (rest < 0) {
    rest += kMillisPerDay;
    --days;
  }
  CivilTime t;
  CivilFromDays(days, &t.year, &t.month, &t.day);
  t.hour = static_cast<int>(rest / 3600000);
  t.minute = static_cast<int>(rest / 60000 % 60);
  t.second = static_cast<int>(rest / 1000 % 60);
  t.millis = static_cast<int>(rest % 1000);
  return t;
}

// Writes `v` (0 <= v < 10^width) as `width` digits at `p`; returns the end.
char* PutDigits(char* p, int v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at s[*i]; false when they are not there.
bool Digits(std::string_view s, size_t* i, size_t n, int* out) {
  if (*i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[*i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

Status NotAMoment(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("\"" + std::string(text) + "\" is not a date or a date-time (" +
                                 why + ")");
}

// A date or a date-time in the forms ParseTimeArg lists (not today or
// yesterday) as milliseconds since 1970. InvalidArgument: NotAMoment.
StatusOr<int64_t> ParseMoment(std::string_view text, DayBound bound) {
  size_t i = 0;
  int year = 0, month = 0, day = 0;
  if (!Digits(text, &i, 4, &year) || i >= text.size() || text[i++] != '-' ||
      !Digits(text, &i, 2, &month) || i >= text.size() || text[i++] != '-' ||
      !Digits(text, &i, 2, &day)) {
    return NotAMoment(text, "the date must be YYYY-MM-DD");
  }
  if (month < 1 || month > 12) return NotAMoment(text, "no month " + std::to_string(month));
  if (day < 1 || day > DaysInMonth(year, month)) {
    return NotAMoment(text, "no day " + std::to_string(day) + " in that month");
  }
  int64_t days = DaysFromCivil(year, month, day);
  if (i == text.size()) {
    if (bound == DayBound::kEnd) ++days;
    return days * kMillisPerDay;
  }
  if (text[i] != 'T' && text[i] != 't' && text[i] != ' ') {
    return NotAMoment(text, "a time must follow the date after 'T' or a space");
  }
  ++i;
  int hour = 0, minute = 0, second = 0, millis = 0;
  if (!Digits(text, &i, 2, &hour) || i >= text.size() || text[i++] != ':' ||
      !Digits(text, &i, 2, &minute)) {
    return NotAMoment(text, "the time must be HH:MM, HH:MM:SS or HH:MM:SS.mmm");
  }
  if (i < text.size() && text[i] == ':') {
    ++i;
    if (!Digits(text, &i, 2, &second)) return NotAMoment(text, "the seconds must be two digits");
    if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
      ++i;
      size_t start = i;
      int scale = 100;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        millis += (text[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return NotAMoment(text, "digits must follow the decimal point");
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return NotAMoment(text, "no such time of day");
  int offset_minutes = 0;
  if (i < text.size()) {
    char sign = text[i++];
    if ((sign == 'Z' || sign == 'z') && i == text.size()) {
      // UTC
    } else if (sign == '+' || sign == '-') {
      int oh = 0, om = 0;
      if (!Digits(text, &i, 2, &oh))
        return NotAMoment(text, "the zone must be Z, +HH:MM or -HH:MM");
      if (i < text.size() && text[i] == ':') ++i;
      if (i < text.size() && !Digits(text, &i, 2, &om)) {
        return NotAMoment(text, "the zone must be Z, +HH:MM or -HH:MM");
      }
      if (i != text.size() || oh > 23 || om > 59) {
        return NotAMoment(text, "the zone must be Z, +HH:MM or -HH:MM");
      }
      offset_minutes = (sign == '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      return NotAMoment(text, "unexpected text after the time");
    }
  }
  int64_t ms = days * kMillisPerDay + (hour * 3600 + minute * 60 + second) * int64_t{1000} +
               millis - offset_minutes * int64_t{60000};
  if (ms < 0 || ms >= DaysFromCivil(10000, 1, 1) * kMillisPerDay) {
    return NotAMoment(text, "out of range");
  }
  return ms;
}

}  // namespace

const Clock& SystemClock() {
  static const Clock* const clock = new MachineClock();
  return *clock;
}

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2);
}

std::string FormatUtcMillis(int64_t millis) {
  const CivilTime t = CivilFromMillis(millis);
  if (t.year >= 0 && t.year <= 9999) {  // every stamp: by hand, as it is on the request path
    char buf[24];
    char* p = PutDigits(buf, static_cast<int>(t.year), 4);
    *p++ = '-';
    p = PutDigits(p, t.month, 2);
    *p++ = '-';
    p = PutDigits(p, t.day, 2);
    *p++ = 'T';
    p = PutDigits(p, t.hour, 2);
    *p++ = ':';
    p = PutDigits(p, t.minute, 2);
    *p++ = ':';
    p = PutDigits(p, t.second, 2);
    *p++ = '.';
    p = PutDigits(p, t.millis, 3);
    *p++ = 'Z';
    return std::string(buf, p);
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(t.year), t.month, t.day, t.hour, t.minute, t.second,
                t.millis);
  return buf;
}

std::string FormatUtcCompact(int64_t millis) {
  const CivilTime t = CivilFromMillis(millis);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld%02d%02dT%02d%02d%02d", static_cast<long long>(t.year),
                t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

std::string ReadableUtc(std::string_view stored) {
  if (stored.size() < 19) return std::string(stored);
  std::string out;
  out.reserve(23);
  out.append(stored.substr(0, 10)).append(" ").append(stored.substr(11, 8)).append(" UTC");
  return out;
}

StatusOr<int64_t> ParseUtcMillis(std::string_view stored) {
  return ParseMoment(stored, DayBound::kStart);
}

StatusOr<std::string> ParseTimeArg(std::string_view text, DayBound bound, int64_t now_millis) {
  if (text == "today" || text == "yesterday") {
    int64_t day = now_millis / kMillisPerDay - (now_millis % kMillisPerDay < 0 ? 1 : 0);
    if (text == "yesterday") --day;
    if (bound == DayBound::kEnd) ++day;
    return FormatUtcMillis(day * kMillisPerDay);
  }
  StatusOr<int64_t> millis = ParseMoment(text, bound);
  if (!millis.ok()) {
    return Status::InvalidArgument(millis.status().message() +
                                   "; use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS[.mmm]][Z|+HH:MM], "
                                   "today or yesterday");
  }
  return FormatUtcMillis(millis.value());
}

}  // namespace dlr
