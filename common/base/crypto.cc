#include "common/base/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/base/strings.h"

#ifndef DLR_CRYPTO_LINKED
#include <dlfcn.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace dlr {
namespace {

// The libcrypto functions used here. A dynamically linked program loads libcrypto on first use
// (dlopen): binding its thousands of symbols at every start nearly tripled the cost of a CGI
// request's process start, for webhooks that mostly check a bearer secret. A static build
// (DLR_CRYPTO_LINKED, the portable binary) links them directly.
#define DLR_CRYPTO_FUNCTIONS(X)   \
  X(EVP_md5)                      \
  X(EVP_sha1)                     \
  X(EVP_sha256)                   \
  X(EVP_sha512)                   \
  X(EVP_Digest)                   \
  X(HMAC)                         \
  X(EVP_PKEY_new_raw_public_key)  \
  X(EVP_PKEY_free)                \
  X(EVP_MD_CTX_new)               \
  X(EVP_MD_CTX_free)              \
  X(EVP_DigestVerifyInit)         \
  X(EVP_DigestVerify)             \
  X(EVP_PKEY_new_raw_private_key) \
  X(EVP_PKEY_get_raw_public_key)  \
  X(EVP_DigestSignInit)           \
  X(EVP_DigestSign)

struct CryptoApi {
#define DLR_CRYPTO_MEMBER(name) decltype(&::name) name = nullptr;
  DLR_CRYPTO_FUNCTIONS(DLR_CRYPTO_MEMBER)
#undef DLR_CRYPTO_MEMBER
  std::string error;  // empty when every function is bound
};

CryptoApi LoadApi() {
  CryptoApi api;
#ifdef DLR_CRYPTO_LINKED
#define DLR_CRYPTO_BIND(name) api.name = &::name;
  DLR_CRYPTO_FUNCTIONS(DLR_CRYPTO_BIND)
#undef DLR_CRYPTO_BIND
#else
  // OpenSSL 3 (Debian 12, Ubuntu 22.04 and later), then 1.1.1, whose functions used here are the
  // same.
  // DLR_LIBCRYPTO, when set, is the only file tried: the tests make loading fail with it (read
  // once, at the first load, never on a request's path afterwards).
  static const char* const kNames[] = {"libcrypto.so.3", "libcrypto.so.1.1"};
  const char* forced = std::getenv("DLR_LIBCRYPTO");
  void* lib = nullptr;
  if (forced != nullptr && *forced != '\0') {
    lib = dlopen(forced, RTLD_NOW | RTLD_LOCAL);
  } else {
    for (const char* name : kNames) {
      lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (lib != nullptr) break;
    }
  }
  if (lib == nullptr) {
    const char* why = dlerror();
    api.error = std::string("libcrypto (OpenSSL 3 or 1.1.1) could not be loaded: ") +
                (why != nullptr ? why : "not found");
    return api;
  }
#define DLR_CRYPTO_BIND(name)                                        \
  api.name = reinterpret_cast<decltype(&::name)>(dlsym(lib, #name)); \
  if (api.name == nullptr && api.error.empty()) api.error = "libcrypto lacks " #name;
  DLR_CRYPTO_FUNCTIONS(DLR_CRYPTO_BIND)
#undef DLR_CRYPTO_BIND
#endif
  return api;
}

// Loaded once, on first use, thread-safely (a function-local static); never unloaded.
const CryptoApi& Api() {
  static const CryptoApi api = LoadApi();
  return api;
}

const EVP_MD* Md(const CryptoApi& api, DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5:
      return api.EVP_md5();
    case DigestAlgorithm::kSha1:
      return api.EVP_sha1();
    case DigestAlgorithm::kSha256:
      return api.EVP_sha256();
    case DigestAlgorithm::kSha512:
      return api.EVP_sha512();
  }
  return api.EVP_sha256();
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name) {
  if (name == "md5") return DigestAlgorithm::kMd5;
  if (name == "sha1") return DigestAlgorithm::kSha1;
  if (name == "sha256") return DigestAlgorithm::kSha256;
  if (name == "sha512") return DigestAlgorithm::kSha512;
  return std::nullopt;
}

const char* DigestAlgorithmName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5:
      return "md5";
    case DigestAlgorithm::kSha1:
      return "sha1";
    case DigestAlgorithm::kSha256:
      return "sha256";
    case DigestAlgorithm::kSha512:
      return "sha512";
  }
  return "?";
}

Status CryptoAvailable() {
  const CryptoApi& api = Api();
  if (!api.error.empty()) return Status::Unavailable(api.error);
  return Status::Ok();
}

std::string Digest(DigestAlgorithm algorithm, std::string_view data) {
  const CryptoApi& api = Api();
  if (!api.error.empty()) return "";
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (api.EVP_Digest(data.data(), data.size(), out, &len, Md(api, algorithm), nullptr) != 1) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Sha256(std::string_view data) { return Digest(DigestAlgorithm::kSha256, data); }
std::string Md5(std::string_view data) { return Digest(DigestAlgorithm::kMd5, data); }

std::string Hmac(DigestAlgorithm algorithm, std::string_view key, std::string_view data) {
  const CryptoApi& api = Api();
  if (!api.error.empty()) return "";
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  const unsigned char* d =
      data.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(data.data());
  if (api.HMAC(Md(api, algorithm), k, static_cast<int>(key.size()), d, data.size(), out, &len) ==
      nullptr) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string HexEncode(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexDigitValue(hex[i]);
    int lo = HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                 (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                 static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                 (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  if (in.empty()) return std::string();
  size_t pad = 0;
  while (pad < 2 && in[in.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  uint32_t acc = 0;
  for (size_t i = 0; i < in.size() - pad; ++i) {
    int v = Base64Value(in[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    if (i % 4 == 3) {
      out.push_back(static_cast<char>((acc >> 16) & 0xFF));
      out.push_back(static_cast<char>((acc >> 8) & 0xFF));
      out.push_back(static_cast<char>(acc & 0xFF));
      acc = 0;
    }
  }
  if (pad == 1) {
    if (acc & 0x3) return std::nullopt;
    out.push_back(static_cast<char>((acc >> 10) & 0xFF));
    out.push_back(static_cast<char>((acc >> 2) & 0xFF));
  } else if (pad == 2) {
    if (acc & 0xF) return std::nullopt;
    out.push_back(static_cast<char>((acc >> 4) & 0xFF));
  }
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  // Every byte of b is read whatever a holds; the sizes are not secret.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < b.size(); ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != 32 || signature.size() != 64) return false;
  const CryptoApi& api = Api();
  if (!api.error.empty()) return false;
  std::unique_ptr<EVP_PKEY, decltype(&::EVP_PKEY_free)> key(
      api.EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                      reinterpret_cast<const unsigned char*>(public_key.data()),
                                      public_key.size()),
      api.EVP_PKEY_free);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&::EVP_MD_CTX_free)> ctx(api.EVP_MD_CTX_new(),
                                                                api.EVP_MD_CTX_free);
  if (!ctx) return false;
  if (api.EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  static const unsigned char kEmpty = 0;
  const unsigned char* m =
      message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  return api.EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                              signature.size(), m, message.size()) == 1;
}

namespace {

// The private key of an Ed25519 seed, or null.
std::unique_ptr<EVP_PKEY, decltype(&::EVP_PKEY_free)> Ed25519PrivateKey(const CryptoApi& api,
                                                                        std::string_view seed) {
  return std::unique_ptr<EVP_PKEY, decltype(&::EVP_PKEY_free)>(
      api.EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(seed.data()),
                                       seed.size()),
      api.EVP_PKEY_free);
}

}  // namespace

std::optional<std::string> Ed25519Sign(std::string_view private_key, std::string_view message) {
  if (private_key.size() != 32) return std::nullopt;
  const CryptoApi& api = Api();
  if (!api.error.empty()) return std::nullopt;
  auto key = Ed25519PrivateKey(api, private_key);
  if (!key) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, decltype(&::EVP_MD_CTX_free)> ctx(api.EVP_MD_CTX_new(),
                                                                api.EVP_MD_CTX_free);
  if (!ctx) return std::nullopt;
  if (api.EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return std::nullopt;
  }
  static const unsigned char kEmpty = 0;
  const unsigned char* m =
      message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  unsigned char sig[64];
  size_t len = sizeof sig;
  if (api.EVP_DigestSign(ctx.get(), sig, &len, m, message.size()) != 1 || len != sizeof sig) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(sig), len);
}

std::optional<std::string> Ed25519PublicKey(std::string_view private_key) {
  if (private_key.size() != 32) return std::nullopt;
  const CryptoApi& api = Api();
  if (!api.error.empty()) return std::nullopt;
  auto key = Ed25519PrivateKey(api, private_key);
  if (!key) return std::nullopt;
  unsigned char pub[32];
  size_t len = sizeof pub;
  if (api.EVP_PKEY_get_raw_public_key(key.get(), pub, &len) != 1 || len != sizeof pub) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(pub), len);
}

std::optional<std::string> Ed25519SeedFromPem(std::string_view pem) {
  // RFC 8410: PKCS#8 PrivateKeyInfo of Ed25519, 48 bytes of DER, the seed last.
  static const char kBegin[] = "-----BEGIN PRIVATE KEY-----";
  static const char kEnd[] = "-----END PRIVATE KEY-----";
  static const unsigned char kPrefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                          0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
  size_t begin = pem.find(kBegin);
  if (begin == std::string_view::npos) return std::nullopt;
  size_t end = pem.find(kEnd, begin);
  if (end == std::string_view::npos) return std::nullopt;
  std::string text;
  for (char c : pem.substr(begin + sizeof kBegin - 1, end - begin - (sizeof kBegin - 1))) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') text.push_back(c);
  }
  std::optional<std::string> der = Base64Decode(text);
  if (!der || der->size() != sizeof kPrefix + 32) return std::nullopt;
  if (der->compare(0, sizeof kPrefix, reinterpret_cast<const char*>(kPrefix), sizeof kPrefix) !=
      0) {
    return std::nullopt;
  }
  return der->substr(sizeof kPrefix);
}

}  // namespace dlr
