// Helpers shared by the unit tests: printers that let BOOST_TEST show the
// values it compares.
#ifndef DLR_TESTS_TESTING_TEST_UTIL_H_
#define DLR_TESTS_TESTING_TEST_UTIL_H_

#include <ostream>

#include "common/base/status.h"

namespace dlr {

// Lets BOOST_TEST print a StatusCode by its name ("INVALID_ARGUMENT" etc.).
inline std::ostream& operator<<(std::ostream& os, StatusCode code) {
  return os << StatusCodeName(code);
}

}  // namespace dlr

#endif  // DLR_TESTS_TESTING_TEST_UTIL_H_
