// How a request proves its sender: the signature schemes of the SMS platforms
// (`verify` in a webhook's config) as pure functions over a request's parts.
//
// Each Sign* function computes what the platform sends (and what `dlrctl
// send-test` sends when it plays the platform); VerifySignature checks a
// request against a configured scheme. Every comparison of a secret or a MAC
// takes constant time, and every configured secret or key is tried (rotation).
// Nothing here logs, and no Status message holds a secret or a signature.
// Thread-safe: no state.
#ifndef DLR_COMMON_WEBHOOK_SIGNATURE_H_
#define DLR_COMMON_WEBHOOK_SIGNATURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/status.h"
#include "common/http/query.h"

namespace dlr {

enum class SchemeKind {
  kNone,              // no proof asked for
  kBearer,            // Authorization: Bearer <secret>
  kBasic,             // Authorization: Basic <user:password>
  kHmac,              // an HMAC of the raw body in a header
  kStandardWebhooks,  // webhook-id / webhook-timestamp / webhook-signature
  kTwilio,            // X-Twilio-Signature
  kPlivoV3,           // X-Plivo-Signature-V3 and its nonce
  kVonageSig,         // the `sig` parameter
  kTelnyx,            // telnyx-signature-ed25519 over "timestamp|body"
};

// "bearer", "basic", ... as written in the config; nullopt for another name.
std::optional<SchemeKind> ParseSchemeKind(std::string_view name);
const char* SchemeKindName(SchemeKind kind);
// True for the schemes that compute a MAC or check a signature through
// libcrypto (every one but none, bearer and basic).
bool SchemeNeedsCrypto(SchemeKind kind);

enum class MacEncoding { kHex, kBase64 };
enum class VonageAlgorithm { kMd5Hash, kMd5, kSha1, kSha256, kSha512 };

// A configured scheme. `secrets` holds what each scheme compares against:
// bearer secrets, HMAC keys, standard-webhooks keys (decoded from base64,
// without "whsec_"), Twilio/Plivo auth tokens, Vonage signature secrets, or
// Telnyx public keys (32 raw bytes each).
struct VerifyScheme {
  SchemeKind kind = SchemeKind::kNone;
  std::vector<std::string> secrets;
  std::vector<std::pair<std::string, std::string>> users;  // basic: user, password
  std::string header;                                      // hmac: the header's name
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;    // hmac
  MacEncoding encoding = MacEncoding::kHex;                // hmac
  std::string prefix;                                      // hmac: before the MAC ("sha256=")
  VonageAlgorithm vonage_algorithm = VonageAlgorithm::kMd5Hash;
  int64_t tolerance_seconds = 300;  // standard-webhooks, telnyx
};

// What a scheme may look at. Header names are lower case ("x-twilio-signature").
struct SignedRequest {
  std::string method;
  std::string url;  // the public URL with the query string as received (URL-signing schemes)
  std::string content_type;
  std::string body;
  Params query;     // decoded query parameters
  Params form;      // decoded form body parameters (empty unless a form body)
  Params headers;   // lower-case name, value
  int64_t now = 0;  // Unix seconds
};

// Ok, or Unauthenticated with a sentence saying what is missing or wrong
// (never a secret or the signature). A scheme without secrets refuses all.
Status VerifySignature(const VerifyScheme& scheme, const SignedRequest& request);

// --- What each platform computes (also used to sign in dlrctl send-test) ---

// Standard Webhooks: base64 HMAC-SHA256 of "<id>.<timestamp>.<body>".
std::string SignStandardWebhooks(std::string_view key, std::string_view id,
                                 std::string_view timestamp, std::string_view body);
// The "v1,<sig>" entries of a webhook-signature header (space-separated),
// decoded from base64; other versions and broken entries skipped.
std::vector<std::string> ParseStandardWebhooksSignatures(std::string_view header);
// "whsec_<base64>" or "<base64>" to the raw key; nullopt when not base64.
std::optional<std::string> DecodeStandardWebhooksSecret(std::string_view secret);

// Twilio: base64 HMAC-SHA1 of the URL followed by each parameter's name and
// value, sorted by name then value (none for a JSON body: its URL carries
// bodySHA256, the hex SHA-256 of the body).
std::string SignTwilio(std::string_view auth_token, std::string_view url, const Params& params);

// Plivo V3: base64 HMAC-SHA256 of "<url>.<sorted name+value>.<nonce>" for a
// POST ("<url>.<nonce>" without parameters); for a GET, the URL's query and
// the parameters merged and sorted as "path?k=v&k=v", then ".<nonce>".
std::string SignPlivoV3(std::string_view auth_token, std::string_view method, std::string_view url,
                        const Params& params, std::string_view nonce);

// Vonage: over "&k=v" for each parameter but `sig`, sorted by name ('&' and
// '=' in values replaced by '_'): md5hash is the lower-case hex MD5 of that
// string followed by the secret; the others the upper-case hex HMAC of it.
std::string SignVonage(std::string_view secret, VonageAlgorithm algorithm, const Params& params);
std::optional<VonageAlgorithm> ParseVonageAlgorithm(std::string_view name);
const char* VonageAlgorithmName(VonageAlgorithm algorithm);

// A Unix timestamp of at most 12 decimal digits (no sign, no spaces).
std::optional<int64_t> ParseUnixSeconds(std::string_view text);

}  // namespace dlr

#endif  // DLR_COMMON_WEBHOOK_SIGNATURE_H_
