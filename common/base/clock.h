// Wall-clock time as the stored rows show it.
#ifndef DLR_COMMON_BASE_CLOCK_H_
#define DLR_COMMON_BASE_CLOCK_H_

#include <cstdint>
#include <string>

namespace dlr {

// Now, in UTC: "YYYY-MM-DDTHH:MM:SS.mmmZ" (sorts as text in time order).
std::string UtcNow();

// Now, in milliseconds since 1970-01-01T00:00:00Z.
int64_t UtcNowMillis();

}  // namespace dlr

#endif  // DLR_COMMON_BASE_CLOCK_H_
