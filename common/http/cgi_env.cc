#include "common/http/cgi_env.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <limits>

#include "common/http/query.h"

namespace dlr {
namespace {

std::string Get(const ParamLookup& param, const char* name) {
  const char* v = param(name);
  return v ? std::string(v) : std::string();
}

// An id from outside, when it is short and plain enough to sit in a log line.
bool PlainId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

}  // namespace

std::string NewRequestId() {
  // A per-thread sequence (splitmix64) from a seed of getrandom(2). Not
  // std::random_device: libstdc++'s would need glibc 2.36 (arc4random), and
  // the portable binary must run on older systems.
  thread_local uint64_t state = [] {
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof seed)) {
      timespec now;
      clock_gettime(CLOCK_REALTIME, &now);
      seed = static_cast<uint64_t>(now.tv_nsec) ^ (static_cast<uint64_t>(now.tv_sec) << 20) ^
             (static_cast<uint64_t>(getpid()) << 40) ^ reinterpret_cast<uintptr_t>(&seed);
    }
    return seed;
  }();
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  static const char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (size_t i = 0; i < 16; ++i) id[i] = kHex[(z >> (4 * i)) & 0xf];
  return id;
}

const char* const kSignatureHeaders[10] = {
    "HTTP_X_FORWARDED_FOR",      "HTTP_X_TWILIO_SIGNATURE",
    "HTTP_X_PLIVO_SIGNATURE_V3", "HTTP_X_PLIVO_SIGNATURE_V3_NONCE",
    "HTTP_WEBHOOK_ID",           "HTTP_WEBHOOK_TIMESTAMP",
    "HTTP_WEBHOOK_SIGNATURE",    "HTTP_TELNYX_SIGNATURE_ED25519",
    "HTTP_TELNYX_TIMESTAMP",     "HTTP_AUTHORIZATION"};

namespace {

// HTTP_X_TWILIO_SIGNATURE -> x-twilio-signature
std::string HeaderName(const std::string& cgi) {
  std::string out = cgi.substr(5);
  for (char& c : out) {
    if (c == '_') c = '-';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

void CopyHeader(const ParamLookup& param, const std::string& cgi, Request* r) {
  const char* v = param(cgi.c_str());
  if (!v) return;
  std::string name = HeaderName(cgi);
  for (const auto& h : r->headers) {
    if (h.first == name) return;
  }
  r->headers.emplace_back(std::move(name), v);
}

}  // namespace

Request RequestFromParams(const ParamLookup& param, const std::vector<std::string>& extra_headers) {
  Request r;
  for (const char* name : kSignatureHeaders) CopyHeader(param, name, &r);
  for (const std::string& name : extra_headers) {
    if (name.rfind("HTTP_", 0) == 0 && name.size() > 5) CopyHeader(param, name, &r);
  }
  r.method = Get(param, "REQUEST_METHOD");
  r.query = Get(param, "QUERY_STRING");
  r.content_type = Get(param, "CONTENT_TYPE");
  r.remote_addr = Get(param, "REMOTE_ADDR");
  r.authorization = Get(param, "HTTP_AUTHORIZATION");
  if (r.authorization.empty()) {
    r.authorization = Get(param, "REDIRECT_HTTP_AUTHORIZATION");
  }
  for (const char* name : {"REQUEST_ID", "HTTP_X_REQUEST_ID"}) {
    std::string id = Get(param, name);
    if (PlainId(id)) {
      r.request_id = id;
      break;
    }
  }
  if (r.request_id.empty()) r.request_id = NewRequestId();
  std::string uri = Get(param, "REQUEST_URI");
  if (!uri.empty()) {
    size_t q = uri.find('?');
    if (q != std::string::npos) uri.resize(q);
    // A path that does not decode is kept as sent: it will simply match nothing.
    StatusOr<std::string> decoded = PercentDecode(uri, /*plus_is_space=*/false);
    r.path = decoded.ok() ? decoded.value() : uri;
  } else {
    r.path = Get(param, "DOCUMENT_URI");
    if (r.path.empty()) r.path = Get(param, "SCRIPT_NAME") + Get(param, "PATH_INFO");
  }
  return r;
}

BodyPlan PlanBody(const char* content_length, size_t max_body_bytes,
                  const char* transfer_encoding) {
  BodyPlan plan;
  if (content_length == nullptr || *content_length == '\0') {
    if (transfer_encoding != nullptr && *transfer_encoding != '\0') {
      plan.state = BodyState::kNoLength;
    }
    return plan;
  }
  size_t n = 0;
  for (const char* p = content_length; *p; ++p) {
    if (*p < '0' || *p > '9') {
      plan.state = BodyState::kBadLength;
      return plan;
    }
    size_t digit = static_cast<size_t>(*p - '0');
    if (n > (std::numeric_limits<size_t>::max() - digit) / 10) {
      plan.state = BodyState::kTooLarge;  // a number, only far too large
      return plan;
    }
    n = n * 10 + digit;
  }
  if (n > max_body_bytes) {
    plan.state = BodyState::kTooLarge;
    return plan;
  }
  plan.length = n;
  return plan;
}

}  // namespace dlr
