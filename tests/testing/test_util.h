// Helpers shared by the unit tests: printers that let BOOST_TEST show the
// values it compares, and the small builders and sample inputs that several
// test files use.
#ifndef DLR_TESTS_TESTING_TEST_UTIL_H_
#define DLR_TESTS_TESTING_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "common/base/status.h"
#include "common/store/reader.h"

namespace dlr {

// Lets BOOST_TEST print a StatusCode by its name ("INVALID_ARGUMENT" etc.).
inline std::ostream& operator<<(std::ostream& os, StatusCode code) {
  return os << StatusCodeName(code);
}

namespace test {

// A string with its embedded NULs: Bytes("a\0b") is three bytes long.
template <size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

// Counts of Stats with these final and pending events (events: their sum).
inline StatusCounts Counts(int64_t delivered, int64_t failed, int64_t pending) {
  StatusCounts c;
  c.delivered = delivered;
  c.failed = failed;
  c.pending = pending;
  c.events = delivered + failed + pending;
  return c;
}

// The platform's DLR example, copied verbatim from seed/platform-sms-webhook.md
// (the body of its curl -d), trailing comma included.
inline constexpr char kPlatformDlrExample[] = R"({
      "id": "b34e35ad-fe34-4a8b-977c-b21cd76cd7d6:1",
      "mobile": "918921269xxx",
      "status": "DELIVRD",
      "credits": "2.0000",
      "units": 2,
      "deliv_at": "1701086585",
      "sent_at": "1701063180",
      "submit_at": "1701059582",
      "deliv_time": "2021-04-09 16:27:51",
      "sent_time": "2021-04-09 16:27:35",
      "submit_time": "2021-04-09 16:27:39",
      "cid": "1234444XXXX",
      "custom": "9882XXXX",
    })";

}  // namespace test
}  // namespace dlr

#endif  // DLR_TESTS_TESTING_TEST_UTIL_H_
