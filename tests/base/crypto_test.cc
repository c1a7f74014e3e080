#define BOOST_TEST_DYN_LINK
#include "common/base/crypto.h"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

namespace dlr {
namespace {

std::string Unhex(const std::string& hex) { return HexDecode(hex).value(); }

struct HmacCase {
  const char* source;
  DigestAlgorithm algorithm;
  std::string key;
  std::string data;
  const char* want_hex;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(CryptoTest)

BOOST_AUTO_TEST_CASE(HmacMatchesRfc4231AndRfc2202Vectors) {
  const std::string key1(20, '\x0b');
  const std::string key6(131, '\xaa');
  const std::string data6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  const HmacCase cases[] = {
      {"RFC 4231 4.2", DigestAlgorithm::kSha256, key1, "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"RFC 4231 4.2", DigestAlgorithm::kSha512, key1, "Hi There",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {"RFC 4231 4.3", DigestAlgorithm::kSha256, "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"RFC 4231 4.3", DigestAlgorithm::kSha512, "Jefe", "what do ya want for nothing?",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {"RFC 4231 4.7", DigestAlgorithm::kSha256, key6, data6,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"RFC 4231 4.7", DigestAlgorithm::kSha512, key6, data6,
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
      {"RFC 2202 3", DigestAlgorithm::kSha1, key1, "Hi There",
       "b617318655057264e28bc0b6fb378c8ef146be00"},
      {"RFC 2202 3", DigestAlgorithm::kSha1, "Jefe", "what do ya want for nothing?",
       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
  };
  for (const HmacCase& c : cases) {
    BOOST_TEST_CONTEXT(c.source << " " << DigestAlgorithmName(c.algorithm)) {
      BOOST_TEST(HexEncode(Hmac(c.algorithm, c.key, c.data)) == c.want_hex);
    }
  }
}

BOOST_AUTO_TEST_CASE(DigestsMatchPublishedVectors) {
  // RFC 1321 appendix A.5, FIPS 180-2 appendix B.1.
  BOOST_TEST(HexEncode(Md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  BOOST_TEST(HexEncode(Md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
  BOOST_TEST(HexEncode(Sha256("abc")) ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(HexEncode(Digest(DigestAlgorithm::kSha1, "abc")) ==
             "a9993e364706816aba3e25717850c26c9cd0d89d");
}

BOOST_AUTO_TEST_CASE(AlgorithmNamesRoundTrip) {
  for (const char* name : {"md5", "sha1", "sha256", "sha512"}) {
    std::optional<DigestAlgorithm> a = ParseDigestAlgorithm(name);
    BOOST_REQUIRE(a.has_value());
    BOOST_TEST(std::string(DigestAlgorithmName(*a)) == name);
  }
  BOOST_TEST(!ParseDigestAlgorithm("SHA256").has_value());
  BOOST_TEST(!ParseDigestAlgorithm("sha384").has_value());
  BOOST_TEST(!ParseDigestAlgorithm("").has_value());
}

BOOST_AUTO_TEST_CASE(Base64FollowsRfc4648) {
  // RFC 4648 section 10.
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    BOOST_TEST(Base64Encode(plain) == encoded);
    BOOST_TEST(Base64Decode(encoded).value() == plain);
  }
  for (const char* bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v",
                          "====", "Z===", "Zm9vY==="}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!Base64Decode(bad).has_value()); }
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  BOOST_TEST(Base64Decode(Base64Encode(all)).value() == all);
}

BOOST_AUTO_TEST_CASE(HexDecodesEitherCaseAndRefusesTheRest) {
  BOOST_TEST(HexDecode("00ff7F").value() == std::string("\x00\xff\x7f", 3));
  BOOST_TEST(HexDecode("").value().empty());
  BOOST_TEST(!HexDecode("0").has_value());
  BOOST_TEST(!HexDecode("0g").has_value());
  BOOST_TEST(!HexDecode(" 00").has_value());
  BOOST_TEST(HexEncode(std::string("\x00\xab", 2)) == "00ab");
}

BOOST_AUTO_TEST_CASE(ConstantTimeEqualComparesWholeStrings) {
  BOOST_TEST(ConstantTimeEqual("secret", "secret"));
  BOOST_TEST(ConstantTimeEqual("", ""));
  BOOST_TEST(!ConstantTimeEqual("secre", "secret"));    // a prefix
  BOOST_TEST(!ConstantTimeEqual("secrets", "secret"));  // an extension
  BOOST_TEST(!ConstantTimeEqual("secreT", "secret"));
  BOOST_TEST(!ConstantTimeEqual("", "secret"));
  BOOST_TEST(!ConstantTimeEqual(std::string("a\0", 2), "a"));
}

BOOST_AUTO_TEST_CASE(Ed25519VerifiesRfc8032Vectors) {
  // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte, 0x72).
  const std::string pk1 = Unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const std::string sig1 = Unhex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
      "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  const std::string pk2 = Unhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  const std::string sig2 = Unhex(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  BOOST_TEST(Ed25519Verify(pk1, "", sig1));
  BOOST_TEST(Ed25519Verify(pk2, "\x72", sig2));
  // Wrong message, key, or signature; wrong sizes.
  BOOST_TEST(!Ed25519Verify(pk1, "x", sig1));
  BOOST_TEST(!Ed25519Verify(pk2, "", sig1));
  BOOST_TEST(!Ed25519Verify(pk2, "\x73", sig2));
  std::string flipped = sig2;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  BOOST_TEST(!Ed25519Verify(pk2, "\x72", flipped));
  BOOST_TEST(!Ed25519Verify(pk2.substr(1), "\x72", sig2));
  BOOST_TEST(!Ed25519Verify(pk2, "\x72", sig2.substr(1)));
  BOOST_TEST(!Ed25519Verify("", "", ""));
}

BOOST_AUTO_TEST_CASE(LibcryptoIsAvailableWhereItIsInstalled) {
  // The unit tests run where libssl3 is installed: the first use loads it.
  BOOST_TEST(CryptoAvailable().ok(), CryptoAvailable().message());
  BOOST_TEST(HexEncode(Sha256("abc")) ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
