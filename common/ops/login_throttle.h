// A per-address back-off for failed logins to the operator's pages (the
// status page's password, the metrics secret): after kMaxLoginFailures
// failures within kLoginWindowMillis, an address is answered 429 until the
// window of its first failure has passed. Per process, in memory.
// Thread safety: every method may be called from any thread.
#ifndef DLR_COMMON_OPS_LOGIN_THROTTLE_H_
#define DLR_COMMON_OPS_LOGIN_THROTTLE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace dlr {

inline constexpr int kMaxLoginFailures = 5;
inline constexpr int64_t kLoginWindowMillis = 60 * 1000;

class LoginThrottle {
 public:
  // True when `addr` has failed kMaxLoginFailures times in the window.
  bool Blocked(const std::string& addr, int64_t now_millis);
  // Counts a failed login from `addr`.
  void Failed(const std::string& addr, int64_t now_millis);
  // The one throttle of this process.
  static LoginThrottle& Process();

 private:
  struct Entry {
    int failures = 0;
    int64_t since = 0;  // the first failure of the window
  };
  static constexpr size_t kMaxAddresses = 10000;  // beyond: expired entries dropped
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace dlr

#endif  // DLR_COMMON_OPS_LOGIN_THROTTLE_H_
