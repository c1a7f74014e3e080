// `dlrctl send-test`: plays the SMS platform against a deployed webhook URL
// and checks each answer against the contract. The HTTP transport is given
// by the caller (libcurl in dlrctl, HandleRequest in the unit tests), so
// everything here is pure.
#ifndef DLR_COMMON_CTL_SEND_TEST_H_
#define DLR_COMMON_CTL_SEND_TEST_H_

#include <functional>
#include <optional>
#include <string>

#include "common/base/status.h"

namespace dlr {

struct HttpCall {
  std::string method;
  std::string url;
  std::string content_type;   // "" = none
  std::string authorization;  // "" = none
  std::string body;
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// Sends one request. Unavailable (with the reason) when no answer came.
using HttpTransport = std::function<StatusOr<HttpAnswer>(const HttpCall&)>;

struct SendTestOptions {
  std::string url;                    // the webhook's URL as registered with the platform
  std::string token;                  // the webhook's validation key
  std::optional<std::string> secret;  // the bearer secret, when the webhook has one
  std::string dlr_id;                 // the sample DLR's id: unique, so that step 2 stores it
  std::string challenge;              // the verification's challenge: unique
};

inline constexpr int kSendTestSteps = 4;

// Runs the steps in order, stopping at the first failure:
//   1. verification: POST URL?token=KEY with {"validation_key", "challenge"}
//      (and the bearer): 200 with the challenge and the key echoed;
//   2. a sample DLR (id options.dlr_id, status DELIVRD): 200, stored 1;
//   3. the same DLR again: 200, stored 0, duplicates 1;
//   4. the DLR with a wrong secret: 401 (skipped without options.secret).
// `print` gets one line per step: "ok", "FAIL" or "skip", the step, what was
// seen. Returns Ok when no step failed, else Unavailable (no answer) or
// Internal (a wrong answer) with the reason.
Status RunSendTest(const SendTestOptions& options, const HttpTransport& send,
                   const std::function<void(const std::string& line)>& print);

// `url` with key=value added to its query string (both percent-encoded),
// before any #fragment.
std::string WithQueryParam(const std::string& url, const std::string& key,
                           const std::string& value);

// The sample DLR of steps 2 to 4, shaped like the platform's own example.
std::string SampleDlrJson(const std::string& id);

}  // namespace dlr

#endif  // DLR_COMMON_CTL_SEND_TEST_H_
