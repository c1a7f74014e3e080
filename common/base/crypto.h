// Hashes, HMACs, encodings and signature checks over OpenSSL's libcrypto:
// what the webhook signature schemes need, and nothing more.
//
// Every function is pure and thread-safe (libcrypto 1.1+ needs no set-up).
// A dynamically linked program loads libcrypto on the first call, not at
// start; CryptoAvailable says whether that worked. Without it, Digest and
// Hmac return "" and Ed25519Verify false, so no signature ever matches.
// Digests and MACs are returned as raw bytes in a std::string; Hex and
// Base64 turn them into text. Comparisons of secrets or MACs go through
// ConstantTimeEqual, whose time depends on the lengths only.
#ifndef DLR_COMMON_BASE_CRYPTO_H_
#define DLR_COMMON_BASE_CRYPTO_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/base/status.h"

namespace dlr {

// Ok once libcrypto is loaded (or linked in); Unavailable, naming what failed,
// when it cannot be. A config that needs a signature check asks this at load.
// A dynamically linked program reads DLR_LIBCRYPTO at the first load: when
// set, it is the only file tried (the tests make loading fail with it).
Status CryptoAvailable();

enum class DigestAlgorithm { kMd5, kSha1, kSha256, kSha512 };

// "md5", "sha1", "sha256", "sha512" (lower case) to an algorithm; nullopt otherwise.
std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name);
const char* DigestAlgorithmName(DigestAlgorithm algorithm);

// The raw digest of `data`.
std::string Digest(DigestAlgorithm algorithm, std::string_view data);
std::string Sha256(std::string_view data);
std::string Md5(std::string_view data);

// The raw HMAC (RFC 2104) of `data` under `key`.
std::string Hmac(DigestAlgorithm algorithm, std::string_view key, std::string_view data);

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// Hex in either case, an even number of digits; nullopt for anything else.
std::optional<std::string> HexDecode(std::string_view hex);

// Standard base64 (RFC 4648 section 4) with its padding.
std::string Base64Encode(std::string_view bytes);
// Standard base64 with its padding, canonical (the unused bits zero); nullopt
// for anything else, whitespace included.
std::optional<std::string> Base64Decode(std::string_view text);

// True when a == b. The time taken depends on the lengths only, never on
// where the first difference lies.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// True when `signature` (64 raw bytes) is a valid Ed25519 signature (RFC 8032)
// of `message` under `public_key` (32 raw bytes). False for wrong sizes.
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

// The Ed25519 signature (64 raw bytes) of `message` under the private key
// whose seed is `private_key` (32 raw bytes); nullopt for a wrong size or
// without libcrypto. What dlrctl send-test signs with when it plays Telnyx.
std::optional<std::string> Ed25519Sign(std::string_view private_key, std::string_view message);

// The public key (32 raw bytes) of an Ed25519 seed; nullopt as Ed25519Sign.
std::optional<std::string> Ed25519PublicKey(std::string_view private_key);

// The seed (32 raw bytes) of an Ed25519 private key in PEM (PKCS#8, "BEGIN
// PRIVATE KEY", as `openssl genpkey -algorithm ed25519` writes it); nullopt
// for anything else. Pure: no libcrypto.
std::optional<std::string> Ed25519SeedFromPem(std::string_view pem);

}  // namespace dlr

#endif  // DLR_COMMON_BASE_CRYPTO_H_
