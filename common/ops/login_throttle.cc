#include "common/ops/login_throttle.h"

namespace dlr {

bool LoginThrottle::Blocked(const std::string& addr, int64_t now_millis) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(addr);
  if (it == entries_.end()) return false;
  if (now_millis - it->second.since >= kLoginWindowMillis) {
    entries_.erase(it);
    return false;
  }
  return it->second.failures >= kMaxLoginFailures;
}

void LoginThrottle::Failed(const std::string& addr, int64_t now_millis) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxAddresses) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = now_millis - it->second.since >= kLoginWindowMillis ? entries_.erase(it) : ++it;
    }
    if (entries_.size() >= kMaxAddresses) entries_.clear();  // a flood: start over
  }
  Entry& e = entries_[addr];
  if (e.failures == 0 || now_millis - e.since >= kLoginWindowMillis) e = Entry{0, now_millis};
  ++e.failures;
}

LoginThrottle& LoginThrottle::Process() {
  static LoginThrottle throttle;
  return throttle;
}

}  // namespace dlr
