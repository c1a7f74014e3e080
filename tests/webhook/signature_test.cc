#define BOOST_TEST_DYN_LINK
#include "common/webhook/signature.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace dlr {
namespace {

// plivo-go, plivo/utils_test.go, TestValidateSignatureV3Pass1..4: the parameters.
Params PlivoGoParams() {
  return {
      {"Direction", "outbound"},
      {"From", "19792014278"},
      {"ALegUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"},
      {"CallStatus", "in-progress"},
      {"BillRate", "0.002"},
      {"ParentAuthID", "MANWVLYTK4ZWU1YTY4QA"},
      {"To", "sip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com"},
      {"ALegRequestUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"},
      {"CallUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"},
      {"RequestUUID", "3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"},
      {"SIP-H-To", "<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1"},
      {"SessionStart", "2020-04-08 11:34:33.238707"},
      {"Event", "StartApp"}};
}
const char kPlivoToken[] = "Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc4";
const char kPlivoNonce[] = "31627761595286130198";

// vonage-ruby-sdk, test/vonage/signature_test.rb: the parameters and secret.
Params VonageRubyParams() {
  return {{"message-timestamp", "2013-11-21 15:27:30"},
          {"messageId", "020000001B0FE827"},
          {"msisdn", "14843472194"},
          {"text", "Test again"},
          {"timestamp", "1385047698"},
          {"to", "13239877404"},
          {"type", "text"}};
}
const char kVonageSecret[] = "my_secret_key_for_testing";

// twilio-python, tests/unit/test_request_validator.py.
const char kTwilioToken[] = "12345";
const char kTwilioUrl[] = "https://mycompany.com/myapp.php?foo=1&bar=2";
Params TwilioPythonParams() {
  return {{"CallSid", "CA1234567890ABCDE"},
          {"Digits", "1234"},
          {"From", "+14158675309"},
          {"To", "+18005551212"},
          {"Caller", "+14158675309"}};
}

// Standard Webhooks, libraries/python/tests/test_webhooks.py (test_sign_function).
const char kSwSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const char kSwId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const char kSwBody[] = "{\"test\": 2432232314}";
const char kSwSignature[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

// Telnyx publishes no vector: RFC 8032 section 7.1 TEST 1's key pair, signing
// "1700000000|<body>" as Telnyx signs "telnyx-timestamp|body".
const char kTelnyxPublicKey[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const char kTelnyxBody[] =
    "{\"data\":{\"event_type\":\"message.finalized\",\"payload\":{\"id\":"
    "\"40385f64-5717-4562-b3fc-2c963f66afa6\"}}}";
const char kTelnyxSignature[] =
    "17GGQMIQ+sQiG270cWnatgFXoWhNO/7N4MXRA7ynWr13fUrdafNX8LrrL8uXKqGZWG7NFRE7/dsCb+Br2LF6AA==";

VerifyScheme Scheme(SchemeKind kind, std::vector<std::string> secrets) {
  VerifyScheme s;
  s.kind = kind;
  s.secrets = std::move(secrets);
  return s;
}

bool Unauthenticated(const Status& s) { return s.code() == StatusCode::kUnauthenticated; }

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SignatureTest)

BOOST_AUTO_TEST_CASE(TwilioMatchesTwilioPythonVectors) {
  BOOST_TEST(SignTwilio(kTwilioToken, kTwilioUrl, TwilioPythonParams()) ==
             "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  // test_compute_signature_duplicate_multi_dict: a repeated name, sorted by value too.
  Params dup = {{"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
  BOOST_TEST(SignTwilio(kTwilioToken, kTwilioUrl, dup) == "IK+Dwps556ElfBT0I3Rgjkr1wJU=");

  SignedRequest r;
  r.method = "POST";
  r.url = kTwilioUrl;
  r.query = {{"foo", "1"}, {"bar", "2"}};
  r.form = TwilioPythonParams();
  r.headers = {{"x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="}};
  BOOST_TEST(VerifySignature(Scheme(SchemeKind::kTwilio, {"old", kTwilioToken}), r).ok());
  BOOST_TEST(Unauthenticated(VerifySignature(Scheme(SchemeKind::kTwilio, {"1234"}), r)));
  r.form[0].second = "CA1234567890ABCDF";  // a parameter changed
  BOOST_TEST(Unauthenticated(VerifySignature(Scheme(SchemeKind::kTwilio, {kTwilioToken}), r)));
  r.form = TwilioPythonParams();
  r.headers.clear();
  Status missing = VerifySignature(Scheme(SchemeKind::kTwilio, {kTwilioToken}), r);
  BOOST_TEST(Unauthenticated(missing));
  BOOST_TEST(missing.message().find("X-Twilio-Signature") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(TwilioJsonBodyMatchesTwilioPythonBodySha256Vector) {
  const std::string body = "{\"property\": \"value\", \"boolean\": true}";
  const std::string hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
  BOOST_TEST(HexEncode(Sha256(body)) == hash);
  SignedRequest r;
  r.method = "POST";
  r.content_type = "application/json";
  r.url = std::string(kTwilioUrl) + "&bodySHA256=" + hash;
  r.query = {{"foo", "1"}, {"bar", "2"}, {"bodySHA256", hash}};
  r.body = body;
  r.headers = {{"x-twilio-signature", "a9nBmqA0ju/hNViExpshrM61xv4="}};
  VerifyScheme s = Scheme(SchemeKind::kTwilio, {kTwilioToken});
  BOOST_TEST(VerifySignature(s, r).ok());
  r.body = "{\"property\": \"value\", \"boolean\": false}";  // the body no longer its hash
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
}

BOOST_AUTO_TEST_CASE(StandardWebhooksMatchesTheSpecificationsPythonVector) {
  std::optional<std::string> key = DecodeStandardWebhooksSecret(kSwSecret);
  BOOST_REQUIRE(key.has_value());
  BOOST_TEST(DecodeStandardWebhooksSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value() == *key);
  BOOST_TEST(!DecodeStandardWebhooksSecret("whsec_not base64").has_value());
  BOOST_TEST("v1," + SignStandardWebhooks(*key, kSwId, "1614265330", kSwBody) == kSwSignature);

  SignedRequest r;
  r.body = kSwBody;
  r.now = 1614265330 + 100;
  // Several signatures, space-separated, other versions among them
  // (test_multi_sig_payload_is_valid).
  r.headers = {
      {"webhook-id", kSwId},
      {"webhook-timestamp", "1614265330"},
      {"webhook-signature", std::string("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
                                        "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ") +
                                kSwSignature}};
  VerifyScheme s = Scheme(SchemeKind::kStandardWebhooks, {"other-key", *key});
  BOOST_TEST(VerifySignature(s, r).ok());
  // test_invalid_signature_raises_error: one bit off.
  r.headers[2].second = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=";
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.headers[2].second = kSwSignature;
  // Outside the tolerance, either side (test_old_timestamp_fails, test_new_timestamp_fails).
  r.now = 1614265330 + 301;
  Status old = VerifySignature(s, r);
  BOOST_TEST(Unauthenticated(old));
  BOOST_TEST(old.message().find("tolerance") != std::string::npos);
  r.now = 1614265330 - 301;
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.now = 1614265330 + 300;
  BOOST_TEST(VerifySignature(s, r).ok());
  // test_invalid_timestamp_raises_error, a missing header.
  r.headers[1].second = "hello";
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.headers.erase(r.headers.begin() + 1);
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
}

BOOST_AUTO_TEST_CASE(PlivoV3MatchesPlivoGoVectors) {
  const std::string with_query =
      "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml/?a=b&c=d";
  const std::string without_query =
      "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml";
  BOOST_TEST(SignPlivoV3(kPlivoToken, "POST", with_query, PlivoGoParams(), kPlivoNonce) ==
             "k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c=");  // Pass1
  BOOST_TEST(SignPlivoV3(kPlivoToken, "GET", with_query, PlivoGoParams(), kPlivoNonce) ==
             "UBq8jAtd32wR8EK9VgxbBn4n5rpI/l1H9iN4WfSEHFQ=");  // Pass2
  BOOST_TEST(SignPlivoV3(kPlivoToken, "GET", without_query, PlivoGoParams(), kPlivoNonce) ==
             "i/MQsaQSAd6fiKhOh2qeeeLHZ9faldADSb3/7+Akfbc=");  // Pass4

  SignedRequest r;
  r.method = "POST";
  r.url = with_query;
  r.form = PlivoGoParams();
  // Several signatures, comma-separated, as plivo-go's ValidateSignatureV3 accepts.
  r.headers = {{"x-plivo-signature-v3", "bogus=,k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c="},
               {"x-plivo-signature-v3-nonce", kPlivoNonce}};
  VerifyScheme s = Scheme(SchemeKind::kPlivoV3, {kPlivoToken});
  BOOST_TEST(VerifySignature(s, r).ok());
  r.headers[1].second = "31627761595286130199";  // another nonce
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.headers.pop_back();
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
}

BOOST_AUTO_TEST_CASE(VonageMatchesVonageRubySdkVectors) {
  const std::pair<VonageAlgorithm, const char*> vectors[] = {
      {VonageAlgorithm::kMd5Hash, "d2e7b1dc968737c5998ad624e02f90b7"},
      {VonageAlgorithm::kMd5, "DDEBD46008C2D4E93CCE578A332A52D5"},
      {VonageAlgorithm::kSha1, "27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A"},
      {VonageAlgorithm::kSha256,
       "DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330"},
      {VonageAlgorithm::kSha512,
       "E0D3C650F8C9D1A5C174D10DDDBFB003E561F59B265616208B0487C5D819481CD3C311D59CF6165ECD1139622D5"
       "B"
       "A3A256C0D763AC4A9AD9144B5A426B94FE82"},
  };
  for (const auto& [algorithm, want] : vectors) {
    BOOST_TEST_CONTEXT(VonageAlgorithmName(algorithm)) {
      BOOST_TEST(SignVonage(kVonageSecret, algorithm, VonageRubyParams()) == want);
      SignedRequest r;
      r.method = "GET";
      r.query = VonageRubyParams();
      r.query.push_back({"sig", want});
      VerifyScheme s = Scheme(SchemeKind::kVonageSig, {kVonageSecret});
      s.vonage_algorithm = algorithm;
      BOOST_TEST(VerifySignature(s, r).ok());
      r.query.back().second = "xxx";  // the SDK's invalid_signature
      BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
      r.query.pop_back();
      BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
    }
  }
  // test_check_instance_method_replaces_disallowed_characters_with_underscores
  for (const char* value : {"_", "&", "="}) {
    BOOST_TEST(SignVonage(kVonageSecret, VonageAlgorithm::kMd5Hash, {{"k", value}}) ==
               "c3d6a686ab9c7e7408bb1c0506e9629a");
  }
  BOOST_TEST(!ParseVonageAlgorithm("xxxx").has_value());
}

BOOST_AUTO_TEST_CASE(TelnyxVerifiesEd25519OverTimestampAndBody) {
  SignedRequest r;
  r.method = "POST";
  r.body = kTelnyxBody;
  r.now = 1700000000 + 10;
  r.headers = {{"telnyx-signature-ed25519", kTelnyxSignature}, {"telnyx-timestamp", "1700000000"}};
  VerifyScheme s =
      Scheme(SchemeKind::kTelnyx, {std::string(32, 'k'), *Base64Decode(kTelnyxPublicKey)});
  BOOST_TEST(VerifySignature(s, r).ok());
  r.body += " ";  // the body changed
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.body = kTelnyxBody;
  r.headers[1].second = "1700000001";  // the timestamp changed: the signature covers it
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.headers[1].second = "1700000000";
  r.now = 1700000000 + 301;  // expired
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.now = 1700000000;
  r.headers[0].second = "not base64";
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.headers.clear();
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
}

BOOST_AUTO_TEST_CASE(HmacChecksHeaderPrefixEncodingAndAlgorithm) {
  // RFC 4231 test case 2's key and data, as a body and its header.
  VerifyScheme s = Scheme(SchemeKind::kHmac, {"Jefe"});
  s.header = "x-signature";
  s.prefix = "sha256=";
  SignedRequest r;
  r.body = "what do ya want for nothing?";
  const std::string hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  r.headers = {{"x-signature", "sha256=" + hex}};
  BOOST_TEST(VerifySignature(s, r).ok());
  r.headers[0].second = "sha256=" + Upper(hex);
  BOOST_TEST(VerifySignature(s, r).ok());  // hex in either case
  r.headers[0].second = hex;               // no prefix
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  r.headers[0].second = "sha256=" + hex.substr(2);  // truncated
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  s.encoding = MacEncoding::kBase64;
  s.prefix.clear();
  r.headers[0].second = Base64Encode(*HexDecode(hex));
  BOOST_TEST(VerifySignature(s, r).ok());
  s.algorithm = DigestAlgorithm::kSha512;
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
  s.algorithm = DigestAlgorithm::kSha1;
  r.headers[0].second = Base64Encode(*HexDecode("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"));
  BOOST_TEST(VerifySignature(s, r).ok());  // RFC 2202 test case 2
  r.headers.clear();
  BOOST_TEST(Unauthenticated(VerifySignature(s, r)));
}

BOOST_AUTO_TEST_CASE(BearerAndBasicCompareEverySecret) {
  SignedRequest r;
  r.headers = {{"authorization", "Bearer new"}};
  BOOST_TEST(VerifySignature(Scheme(SchemeKind::kBearer, {"old", "new"}), r).ok());
  BOOST_TEST(Unauthenticated(VerifySignature(Scheme(SchemeKind::kBearer, {"ne"}), r)));
  VerifyScheme basic;
  basic.kind = SchemeKind::kBasic;
  basic.users = {{"a", "b"}, {"Aladdin", "open sesame"}};
  r.headers = {{"authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}};  // RFC 7617 section 2
  BOOST_TEST(VerifySignature(basic, r).ok());
  basic.users = {{"Aladdin", "open sesam"}};
  BOOST_TEST(Unauthenticated(VerifySignature(basic, r)));
  r.headers.clear();
  BOOST_TEST(Unauthenticated(VerifySignature(basic, r)));
  // A scheme with no secret refuses everything; none accepts everything.
  BOOST_TEST(Unauthenticated(VerifySignature(Scheme(SchemeKind::kHmac, {}), r)));
  BOOST_TEST(VerifySignature(VerifyScheme{}, r).ok());
}

BOOST_AUTO_TEST_CASE(SchemeNamesRoundTrip) {
  for (const char* name : {"bearer", "basic", "hmac", "standard-webhooks", "twilio", "plivo-v3",
                           "vonage-sig", "telnyx"}) {
    std::optional<SchemeKind> k = ParseSchemeKind(name);
    BOOST_REQUIRE(k.has_value());
    BOOST_TEST(std::string(SchemeKindName(*k)) == name);
  }
  BOOST_TEST(!ParseSchemeKind("none").has_value());
  BOOST_TEST(!ParseSchemeKind("Bearer").has_value());
  BOOST_TEST(ParseUnixSeconds("1700000000").value() == 1700000000);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1e9", "1234567890123"}) {
    BOOST_TEST(!ParseUnixSeconds(bad).has_value());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
