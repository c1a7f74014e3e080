// Fuzz target: the signature schemes' header parsing and verification.
//
// Input: "<header value>\n<timestamp>\n<body>" (split at the first two LFs;
// missing parts are empty). The header value is offered to every scheme in
// the header it reads, with the timestamp and the body; every answer must be
// ok or unauthenticated, and what a Sign* function computes must verify.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/crypto.h"
#include "common/webhook/signature.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

std::string_view Next(std::string_view* in) {
  size_t lf = in->find('\n');
  std::string_view part = in->substr(0, lf);
  in->remove_prefix(lf == std::string_view::npos ? in->size() : lf + 1);
  return part;
}

dlr::VerifyScheme Scheme(dlr::SchemeKind kind, std::string secret) {
  dlr::VerifyScheme s;
  s.kind = kind;
  s.secrets = {std::move(secret)};
  s.header = "x-signature";
  s.prefix = "sha256=";
  s.users = {{"user", "password"}};
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string header(Next(&in));
  std::string timestamp(Next(&in));
  std::string body(in);

  for (const std::string& sig : dlr::ParseStandardWebhooksSignatures(header)) {
    FUZZ_CHECK(!sig.empty());
    FUZZ_CHECK(sig.size() * 4 / 3 <= header.size());
  }
  if (std::optional<int64_t> ts = dlr::ParseUnixSeconds(timestamp)) {
    FUZZ_CHECK(*ts >= 0);
    FUZZ_CHECK(std::to_string(*ts).size() <= timestamp.size());
  }
  (void)dlr::DecodeStandardWebhooksSecret(header);

  dlr::SignedRequest r;
  r.method = "POST";
  r.url = "https://example.com/dlr?x=1";
  r.body = body;
  r.now = 1700000000;
  r.query = {{"x", "1"}, {"sig", header}};
  r.form = {{"MessageSid", body}, {"Status", timestamp}};
  for (const char* name :
       {"authorization", "x-signature", "webhook-signature", "x-twilio-signature",
        "x-plivo-signature-v3", "telnyx-signature-ed25519"}) {
    r.headers.push_back({name, header});
  }
  r.headers.push_back({"webhook-id", "msg_1"});
  r.headers.push_back({"webhook-timestamp", timestamp});
  r.headers.push_back({"telnyx-timestamp", timestamp});
  r.headers.push_back({"x-plivo-signature-v3-nonce", timestamp});

  const std::string ed_key(32, '\x01');
  for (dlr::SchemeKind kind :
       {dlr::SchemeKind::kBearer, dlr::SchemeKind::kBasic, dlr::SchemeKind::kHmac,
        dlr::SchemeKind::kStandardWebhooks, dlr::SchemeKind::kTwilio, dlr::SchemeKind::kPlivoV3,
        dlr::SchemeKind::kVonageSig, dlr::SchemeKind::kTelnyx}) {
    dlr::VerifyScheme s =
        Scheme(kind, kind == dlr::SchemeKind::kTelnyx ? ed_key : std::string("k3y"));
    dlr::Status st = dlr::VerifySignature(s, r);
    FUZZ_CHECK(st.ok() || st.code() == dlr::StatusCode::kUnauthenticated);
    // Nothing of the header reaches the message (it may hold a secret): a header
    // with a '#', which no message holds, is never found in one.
    if (!st.ok() && header.find('#') != std::string::npos) {
      FUZZ_CHECK(st.message().find(header) == std::string::npos);
    }
  }

  // What the platform computes verifies, whatever the body and the other entries.
  dlr::SignedRequest ok = r;
  ok.headers = {{"webhook-id", "msg_1"},
                {"webhook-timestamp", "1700000000"},
                {"webhook-signature",
                 header + " v1," + dlr::SignStandardWebhooks("k3y", "msg_1", "1700000000", body)}};
  FUZZ_CHECK(dlr::VerifySignature(Scheme(dlr::SchemeKind::kStandardWebhooks, "k3y"), ok).ok());
  ok.headers = {{"x-twilio-signature", dlr::SignTwilio("k3y", ok.url, ok.form)}};
  FUZZ_CHECK(dlr::VerifySignature(Scheme(dlr::SchemeKind::kTwilio, "k3y"), ok).ok());
  ok.headers = {{"x-signature", "sha256=" + dlr::HexEncode(dlr::Hmac(dlr::DigestAlgorithm::kSha256,
                                                                     "k3y", body))}};
  FUZZ_CHECK(dlr::VerifySignature(Scheme(dlr::SchemeKind::kHmac, "k3y"), ok).ok());
  ok.headers = {
      {"x-plivo-signature-v3", dlr::SignPlivoV3("k3y", "POST", ok.url, ok.form, timestamp)},
      {"x-plivo-signature-v3-nonce", timestamp}};
  FUZZ_CHECK(dlr::VerifySignature(Scheme(dlr::SchemeKind::kPlivoV3, "k3y"), ok).ok());
  return 0;
}
