#include "common/webhook/signature.h"

#include <algorithm>

#include "common/http/auth.h"

namespace dlr {
namespace {

const std::string* Header(const SignedRequest& r, std::string_view name) {
  return FindParam(r.headers, name);
}

Params Sorted(Params params) {
  std::sort(params.begin(), params.end());
  return params;
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits on `sep`, each piece trimmed, empty pieces dropped.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = s.find(sep);
    std::string_view piece = Trim(s.substr(0, at));
    if (!piece.empty()) out.push_back(piece);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return out;
}

bool AnyEqual(const std::vector<std::string>& presented, const std::vector<std::string>& expected) {
  bool found = false;
  for (const std::string& p : presented) {
    for (const std::string& e : expected) found = ConstantTimeEqual(p, e) || found;
  }
  return found;
}

Status Missing(std::string_view what) {
  return Status::Unauthenticated("no " + std::string(what) + " in the request");
}

Status Wrong(std::string_view what) {
  return Status::Unauthenticated(std::string(what) + " does not match");
}

Status CheckTimestamp(std::string_view text, int64_t now, int64_t tolerance,
                      std::string_view name) {
  std::optional<int64_t> ts = ParseUnixSeconds(text);
  if (!ts) return Status::Unauthenticated(std::string(name) + " is not a Unix timestamp");
  int64_t skew = *ts > now ? *ts - now : now - *ts;
  if (skew > tolerance) {
    return Status::Unauthenticated(std::string(name) + " is " + std::to_string(skew) +
                                   " s away from now (tolerance " + std::to_string(tolerance) +
                                   " s)");
  }
  return Status::Ok();
}

Params QueryOf(std::string_view url) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return {};
  StatusOr<Params> p = ParseUrlEncoded(url.substr(q + 1));
  return p.ok() ? p.value() : Params{};
}

bool IsJson(std::string_view content_type) {
  return content_type.find("json") != std::string_view::npos;
}

Status VerifyHmac(const VerifyScheme& s, const SignedRequest& r) {
  const std::string* value = Header(r, s.header);
  if (!value || value->empty()) return Missing(s.header + " header");
  std::string_view v = Trim(*value);
  if (v.substr(0, s.prefix.size()) != s.prefix) return Wrong(s.header);
  v.remove_prefix(s.prefix.size());
  std::optional<std::string> mac = s.encoding == MacEncoding::kHex ? HexDecode(v) : Base64Decode(v);
  if (!mac) return Wrong(s.header);
  std::vector<std::string> expected;
  for (const std::string& key : s.secrets) expected.push_back(Hmac(s.algorithm, key, r.body));
  return AnyEqual({*mac}, expected) ? Status::Ok() : Wrong(s.header);
}

Status VerifyStandardWebhooks(const VerifyScheme& s, const SignedRequest& r) {
  const std::string* id = Header(r, "webhook-id");
  const std::string* ts = Header(r, "webhook-timestamp");
  const std::string* sig = Header(r, "webhook-signature");
  if (!id || !ts || !sig) return Missing("webhook-id, webhook-timestamp and webhook-signature");
  Status t = CheckTimestamp(*ts, r.now, s.tolerance_seconds, "webhook-timestamp");
  if (!t.ok()) return t;
  std::vector<std::string> presented = ParseStandardWebhooksSignatures(*sig);
  std::vector<std::string> expected;
  for (const std::string& key : s.secrets) {
    expected.push_back(*Base64Decode(SignStandardWebhooks(key, *id, *ts, r.body)));
  }
  return AnyEqual(presented, expected) ? Status::Ok() : Wrong("webhook-signature");
}

Status VerifyTwilio(const VerifyScheme& s, const SignedRequest& r) {
  const std::string* sig = Header(r, "x-twilio-signature");
  if (!sig || sig->empty()) return Missing("X-Twilio-Signature header");
  Params params;
  const std::string* body_hash = FindParam(r.query, "bodySHA256");
  if (body_hash || IsJson(r.content_type)) {
    // The JSON variant: the URL (with bodySHA256) is signed, and the body is its hash.
    if (!body_hash || !ConstantTimeEqual(*body_hash, HexEncode(Sha256(r.body)))) {
      return Wrong("bodySHA256");
    }
  } else if (r.method == "POST") {
    params = r.form;
  }
  std::vector<std::string> expected;
  for (const std::string& token : s.secrets) expected.push_back(SignTwilio(token, r.url, params));
  return AnyEqual({std::string(Trim(*sig))}, expected) ? Status::Ok() : Wrong("X-Twilio-Signature");
}

Status VerifyPlivoV3(const VerifyScheme& s, const SignedRequest& r) {
  const std::string* sig = Header(r, "x-plivo-signature-v3");
  const std::string* nonce = Header(r, "x-plivo-signature-v3-nonce");
  if (!sig || !nonce) return Missing("X-Plivo-Signature-V3 and its nonce");
  std::vector<std::string> presented;
  for (std::string_view p : Split(*sig, ',')) presented.emplace_back(p);
  const Params& params = r.method == "GET" ? Params{} : r.form;
  std::vector<std::string> expected;
  for (const std::string& token : s.secrets) {
    expected.push_back(SignPlivoV3(token, r.method, r.url, params, *nonce));
  }
  return AnyEqual(presented, expected) ? Status::Ok() : Wrong("X-Plivo-Signature-V3");
}

Status VerifyVonage(const VerifyScheme& s, const SignedRequest& r) {
  Params params = r.query;
  params.insert(params.end(), r.form.begin(), r.form.end());
  const std::string* sig = FindParam(params, "sig");
  if (!sig || sig->empty()) return Missing("sig parameter");
  std::vector<std::string> expected;
  for (const std::string& secret : s.secrets) {
    expected.push_back(Upper(SignVonage(secret, s.vonage_algorithm, params)));
  }
  return AnyEqual({Upper(*sig)}, expected) ? Status::Ok() : Wrong("sig");
}

Status VerifyTelnyx(const VerifyScheme& s, const SignedRequest& r) {
  const std::string* sig = Header(r, "telnyx-signature-ed25519");
  const std::string* ts = Header(r, "telnyx-timestamp");
  if (!sig || !ts) return Missing("telnyx-signature-ed25519 and telnyx-timestamp headers");
  Status t = CheckTimestamp(*ts, r.now, s.tolerance_seconds, "telnyx-timestamp");
  if (!t.ok()) return t;
  std::optional<std::string> raw = Base64Decode(Trim(*sig));
  if (!raw) return Wrong("telnyx-signature-ed25519");
  std::string message = *ts + "|" + r.body;
  bool ok = false;
  for (const std::string& key : s.secrets) ok = Ed25519Verify(key, message, *raw) || ok;
  return ok ? Status::Ok() : Wrong("telnyx-signature-ed25519");
}

Status VerifyBasic(const VerifyScheme& s, const SignedRequest& r) {
  const std::string* h = Header(r, "authorization");
  if (!h || h->empty()) return Missing("Authorization header");
  std::optional<BasicCredentials> c = ParseBasic(*h);
  if (!c) return Wrong("Authorization (Basic)");
  bool ok = false;
  for (const auto& [user, password] : s.users) {
    bool u = ConstantTimeEqual(c->user, user);
    bool p = ConstantTimeEqual(c->password, password);
    ok = (u && p) || ok;
  }
  return ok ? Status::Ok() : Wrong("Basic user or password");
}

Status VerifyBearer(const VerifyScheme& s, const SignedRequest& r) {
  const std::string* h = Header(r, "authorization");
  if (!h || h->empty()) return Missing("Authorization header");
  if (s.secrets.empty()) return Wrong("bearer secret");
  return BearerAuthorized(*h, s.secrets) ? Status::Ok() : Wrong("bearer secret");
}

}  // namespace

std::optional<SchemeKind> ParseSchemeKind(std::string_view name) {
  for (SchemeKind k :
       {SchemeKind::kBearer, SchemeKind::kBasic, SchemeKind::kHmac, SchemeKind::kStandardWebhooks,
        SchemeKind::kTwilio, SchemeKind::kPlivoV3, SchemeKind::kVonageSig, SchemeKind::kTelnyx}) {
    if (name == SchemeKindName(k)) return k;
  }
  return std::nullopt;
}

const char* SchemeKindName(SchemeKind kind) {
  switch (kind) {
    case SchemeKind::kNone:
      return "none";
    case SchemeKind::kBearer:
      return "bearer";
    case SchemeKind::kBasic:
      return "basic";
    case SchemeKind::kHmac:
      return "hmac";
    case SchemeKind::kStandardWebhooks:
      return "standard-webhooks";
    case SchemeKind::kTwilio:
      return "twilio";
    case SchemeKind::kPlivoV3:
      return "plivo-v3";
    case SchemeKind::kVonageSig:
      return "vonage-sig";
    case SchemeKind::kTelnyx:
      return "telnyx";
  }
  return "?";
}

bool SchemeNeedsCrypto(SchemeKind kind) {
  return kind != SchemeKind::kNone && kind != SchemeKind::kBearer && kind != SchemeKind::kBasic;
}

Status VerifySignature(const VerifyScheme& scheme, const SignedRequest& request) {
  if (scheme.kind != SchemeKind::kNone && scheme.kind != SchemeKind::kBasic &&
      scheme.secrets.empty()) {
    return Status::Unauthenticated("no secret configured for this webhook's scheme");
  }
  switch (scheme.kind) {
    case SchemeKind::kNone:
      return Status::Ok();
    case SchemeKind::kBearer:
      return VerifyBearer(scheme, request);
    case SchemeKind::kBasic:
      return VerifyBasic(scheme, request);
    case SchemeKind::kHmac:
      return VerifyHmac(scheme, request);
    case SchemeKind::kStandardWebhooks:
      return VerifyStandardWebhooks(scheme, request);
    case SchemeKind::kTwilio:
      return VerifyTwilio(scheme, request);
    case SchemeKind::kPlivoV3:
      return VerifyPlivoV3(scheme, request);
    case SchemeKind::kVonageSig:
      return VerifyVonage(scheme, request);
    case SchemeKind::kTelnyx:
      return VerifyTelnyx(scheme, request);
  }
  return Status::Internal("unknown signature scheme");
}

std::string SignStandardWebhooks(std::string_view key, std::string_view id,
                                 std::string_view timestamp, std::string_view body) {
  std::string data;
  data.reserve(id.size() + timestamp.size() + body.size() + 2);
  data.append(id).append(".").append(timestamp).append(".").append(body);
  return Base64Encode(Hmac(DigestAlgorithm::kSha256, key, data));
}

std::vector<std::string> ParseStandardWebhooksSignatures(std::string_view header) {
  std::vector<std::string> out;
  for (std::string_view entry : Split(header, ' ')) {
    if (entry.substr(0, 3) != "v1,") continue;
    std::optional<std::string> raw = Base64Decode(entry.substr(3));
    if (raw && !raw->empty()) out.push_back(std::move(*raw));
  }
  return out;
}

std::optional<std::string> DecodeStandardWebhooksSecret(std::string_view secret) {
  if (secret.substr(0, 6) == "whsec_") secret.remove_prefix(6);
  std::optional<std::string> key = Base64Decode(secret);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string SignTwilio(std::string_view auth_token, std::string_view url, const Params& params) {
  std::string data(url);
  for (const auto& [k, v] : Sorted(params)) data.append(k).append(v);
  return Base64Encode(Hmac(DigestAlgorithm::kSha1, auth_token, data));
}

std::string SignPlivoV3(std::string_view auth_token, std::string_view method, std::string_view url,
                        const Params& params, std::string_view nonce) {
  std::string data;
  if (method == "GET") {
    Params merged = QueryOf(url);
    for (const auto& p : params) {
      auto same = [&p](const std::pair<std::string, std::string>& q) { return q.first == p.first; };
      merged.erase(std::remove_if(merged.begin(), merged.end(), same), merged.end());
      merged.push_back(p);
    }
    data.assign(url.substr(0, url.find('?')));
    std::string query;
    for (const auto& [k, v] : Sorted(merged)) {
      if (!query.empty()) query += '&';
      query.append(k).append("=").append(v);
    }
    data.append("?").append(query);
  } else {
    while (!url.empty() && url.front() == '/') url.remove_prefix(1);
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    data.assign(url);
    if (!params.empty()) {
      data += '.';
      for (const auto& [k, v] : Sorted(params)) data.append(k).append(v);
    }
  }
  data.append(".").append(nonce);
  return Base64Encode(Hmac(DigestAlgorithm::kSha256, auth_token, data));
}

std::string SignVonage(std::string_view secret, VonageAlgorithm algorithm, const Params& params) {
  std::string data;
  for (const auto& [k, v] : Sorted(params)) {
    if (k == "sig") continue;
    std::string value = v;
    for (char& c : value) {
      if (c == '&' || c == '=') c = '_';
    }
    data.append("&").append(k).append("=").append(value);
  }
  switch (algorithm) {
    case VonageAlgorithm::kMd5Hash:
      return HexEncode(Md5(data + std::string(secret)));
    case VonageAlgorithm::kMd5:
      return Upper(HexEncode(Hmac(DigestAlgorithm::kMd5, secret, data)));
    case VonageAlgorithm::kSha1:
      return Upper(HexEncode(Hmac(DigestAlgorithm::kSha1, secret, data)));
    case VonageAlgorithm::kSha256:
      return Upper(HexEncode(Hmac(DigestAlgorithm::kSha256, secret, data)));
    case VonageAlgorithm::kSha512:
      return Upper(HexEncode(Hmac(DigestAlgorithm::kSha512, secret, data)));
  }
  return "";
}

std::optional<VonageAlgorithm> ParseVonageAlgorithm(std::string_view name) {
  for (VonageAlgorithm a :
       {VonageAlgorithm::kMd5Hash, VonageAlgorithm::kMd5, VonageAlgorithm::kSha1,
        VonageAlgorithm::kSha256, VonageAlgorithm::kSha512}) {
    if (name == VonageAlgorithmName(a)) return a;
  }
  return std::nullopt;
}

const char* VonageAlgorithmName(VonageAlgorithm algorithm) {
  switch (algorithm) {
    case VonageAlgorithm::kMd5Hash:
      return "md5hash";
    case VonageAlgorithm::kMd5:
      return "md5";
    case VonageAlgorithm::kSha1:
      return "sha1";
    case VonageAlgorithm::kSha256:
      return "sha256";
    case VonageAlgorithm::kSha512:
      return "sha512";
  }
  return "?";
}

std::optional<int64_t> ParseUnixSeconds(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace dlr
