// A Clock for tests: it shows the time it was set to and moves only when
// told, so that what the code under test stamps (received_at, a commit's
// duration) can be checked to the millisecond.
//
// Thread-safe: the readings are atomics, so a test may set or advance it
// while threads it started read it.
#ifndef DLR_TESTS_TESTING_FAKE_CLOCK_H_
#define DLR_TESTS_TESTING_FAKE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "common/base/time.h"

namespace dlr {
namespace test {

class FakeClock : public Clock {
 public:
  // 2026-03-01T10:00:00.000Z unless told otherwise; the monotonic reading
  // starts at an arbitrary origin.
  static constexpr int64_t kDefaultMillis = 1772359200000;

  explicit FakeClock(int64_t now_millis = kDefaultMillis) : now_millis_(now_millis) {}
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  int64_t NowMillis() const override { return now_millis_.load(); }
  int64_t MonotonicMicros() const override { return monotonic_micros_.load(); }

  // Sets the wall time (it may go back, as a real clock's may); the
  // monotonic reading stays.
  void SetMillis(int64_t now_millis) { now_millis_.store(now_millis); }

  // Moves both readings forward by `millis`.
  void AdvanceMillis(int64_t millis) {
    now_millis_.fetch_add(millis);
    monotonic_micros_.fetch_add(millis * 1000);
  }

 private:
  std::atomic<int64_t> now_millis_;
  std::atomic<int64_t> monotonic_micros_{1000000};
};

}  // namespace test
}  // namespace dlr

#endif  // DLR_TESTS_TESTING_FAKE_CLOCK_H_
