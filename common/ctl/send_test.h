// `dlrctl send-test`: plays the SMS platform against a deployed webhook URL
// and checks each answer against the contract. The HTTP transport is given
// by the caller (libcurl in dlrctl, HandleRequest in the unit tests), so
// everything here is pure (the signatures are computed through libcrypto,
// see common/base/crypto.h).
#ifndef DLR_COMMON_CTL_SEND_TEST_H_
#define DLR_COMMON_CTL_SEND_TEST_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/base/status.h"
#include "common/webhook/config.h"
#include "common/webhook/signature.h"

namespace dlr {

struct HttpCall {
  std::string method;
  std::string url;
  std::string content_type;   // "" = none
  std::string authorization;  // "" = none
  std::string body;
  // Other headers (X-Twilio-Signature, webhook-signature, ...): name, value.
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// Sends one request. Unavailable (with the reason) when no answer came.
using HttpTransport = std::function<StatusOr<HttpAnswer>(const HttpCall&)>;

struct SendTestOptions {
  std::string url;                    // the webhook's URL as registered with the platform
  std::string token;                  // the webhook's validation key (mobtexting's handshake)
  std::optional<std::string> secret;  // the bearer secret, when the webhook has one
  std::string dlr_id;                 // the sample DLR's id: unique, so that it is stored
  std::string challenge;              // the verification's challenge: unique

  // The platform played (kProviders). "mobtexting" with a bearer secret or
  // none runs the four steps below; any other provider or scheme the three
  // DLR steps of RunSendTest, signed as `scheme` says.
  std::string provider = "mobtexting";
  // How the requests prove their sender; kNone with `secret` set is bearer.
  // secrets[0] signs: the bearer secret, the HMAC key, the standard-webhooks
  // key (raw, decoded), the Twilio or Plivo auth token, the Vonage signature
  // secret, or the seed of the Telnyx private key (32 raw bytes); users[0]
  // for basic. header, algorithm, encoding, prefix, vonage_algorithm as the
  // webhook's config has them.
  VerifyScheme scheme;
  std::string public_url;  // the URL twilio and plivo-v3 sign ("" = url)
  int64_t now = 0;         // Unix seconds: the timestamps sent and signed
  std::string nonce;       // plivo-v3's and vonage's nonce: unique
};

// Runs the steps in order, stopping at the first failure. mobtexting (bearer
// or none):
//   1. verification: POST URL?token=KEY with {"validation_key", "challenge"}
//      (and the bearer): 200 with the challenge and the key echoed;
//   2. a sample DLR (id options.dlr_id, status DELIVRD): 200, stored 1;
//   3. the same DLR again: 200, stored 0, duplicates 1;
//   4. the DLR with a wrong secret: 401 (skipped without options.secret).
// Any other provider or scheme (no handshake):
//   1. a DLR shaped and signed as the platform sends it (SendTestDlrCall): 200, stored 1;
//   2. the same again: 200, duplicates 1;
//   3. the DLR with a wrong signature (or secret, or password): 401 (skipped
//      for a scheme of none).
// `print` gets one line per step: "ok", "FAIL" or "skip", the step, what was
// seen. Returns Ok when no step failed, else Unavailable (no answer),
// Internal (a wrong answer) or InvalidArgument (the request cannot be built:
// no secret for the scheme, a Telnyx key missing, ...) with the reason.
Status RunSendTest(const SendTestOptions& options, const HttpTransport& send,
                   const std::function<void(const std::string& line)>& print);

// The sample DLR of options.provider, shaped as the platform sends it
// (twilio and plivo: a form POST; vonage and kannel: a GET query; infobip:
// a {"results": [...]} batch; telnyx: a message.finalized event; mobtexting:
// SampleDlrJson), with the proof options.scheme asks for; `wrong` signs with
// a wrong secret or key. InvalidArgument when the scheme has no secret or
// cannot sign this request (vonage-sig over a JSON body); Unavailable
// without libcrypto.
StatusOr<HttpCall> SendTestDlrCall(const SendTestOptions& options, bool wrong);

// Fills the provider, the scheme (its secrets: not for telnyx, whose config
// holds public keys only), the public URL and, when empty, the token of `o`
// from a webhook's config.
void SendTestFromWebhook(const Webhook& w, SendTestOptions* o);

// Takes the text of --secret-file (or --private-key-file for telnyx) as the
// scheme's signing secret: as is for bearer, hmac, twilio, plivo-v3 and
// vonage-sig; "whsec_<base64>" or base64 for standard-webhooks;
// "user:password" for basic; an Ed25519 private key in PEM for telnyx. Trailing
// line ends are dropped. InvalidArgument, naming what is expected (never the
// text), otherwise.
Status SetSendTestSecret(const std::string& text, SendTestOptions* o);

// `url` with key=value added to its query string (both percent-encoded),
// before any #fragment.
std::string WithQueryParam(const std::string& url, const std::string& key,
                           const std::string& value);

// The sample DLR of steps 2 to 4, shaped like the platform's own example.
std::string SampleDlrJson(const std::string& id);

}  // namespace dlr

#endif  // DLR_COMMON_CTL_SEND_TEST_H_
