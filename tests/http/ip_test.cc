#define BOOST_TEST_DYN_LINK
#include "common/http/ip.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace dlr {
namespace {

std::vector<Cidr> Blocks(const std::vector<std::string>& texts) {
  std::vector<Cidr> out;
  for (const std::string& t : texts) out.push_back(ParseCidr(t).value());
  return out;
}

struct MatchCase {
  const char* cidr;
  const char* address;
  bool want;
};

struct ClientCase {
  const char* remote;
  const char* xff;
  const char* want;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(IpTest)

BOOST_AUTO_TEST_CASE(ParsesAddressesAsProxiesWriteThem) {
  const char* good[] = {"192.0.2.1",     " 192.0.2.1 ",        "192.0.2.1:443", "2001:db8::1",
                        "[2001:db8::1]", "[2001:db8::1]:8443", "::1",           "::ffff:192.0.2.1",
                        "0.0.0.0",       "255.255.255.255"};
  for (const char* g : good) {
    BOOST_TEST_CONTEXT(g) { BOOST_TEST(ParseIpAddress(g).has_value()); }
  }
  const char* bad[] = {
      "",     "unknown", "192.0.2",      "192.0.2.256",  "192.0.2.1:", "192.0.2.1:x", "[192.0.2.1]",
      "[::1", "[::1]x",  "fe80::1%eth0", "2001:db8:::1", "1.2.3.4/32", "01.2.3.4x",   "[::1]:"};
  for (const char* b : bad) {
    BOOST_TEST_CONTEXT(b) { BOOST_TEST(!ParseIpAddress(b).has_value()); }
  }
  // IPv4-mapped IPv6 is its IPv4 address.
  BOOST_TEST((ParseIpAddress("::ffff:192.0.2.1").value() == ParseIpAddress("192.0.2.1").value()));
  BOOST_TEST(ParseIpAddress("::1").value().v6);
  BOOST_TEST(!ParseIpAddress("192.0.2.1").value().v6);
}

BOOST_AUTO_TEST_CASE(ParsesCidrBlocksAndNamesTheBadOnes) {
  const char* good[] = {"10.0.0.0/8", "0.0.0.0/0", "192.0.2.1", "192.0.2.1/32", "2001:db8::/32",
                        "::/0",       "::1",       "::1/128",   "fd00::/8"};
  for (const char* g : good) {
    BOOST_TEST_CONTEXT(g) { BOOST_TEST(ParseCidr(g).ok()); }
  }
  const char* bad[] = {"",
                       "10.0.0.0/",
                       "10.0.0.0/33",
                       "2001:db8::/129",
                       "10.0.0.0/-1",
                       "10.0.0.0/8x",
                       "10.0.0.1/8",
                       "2001:db8::1/32",
                       "example.com/8",
                       "10.0.0.0/0008"};
  for (const char* b : bad) {
    BOOST_TEST_CONTEXT(b) {
      StatusOr<Cidr> c = ParseCidr(b);
      BOOST_TEST(!c.ok());
      if (!c.ok()) BOOST_TEST((c.status().code() == StatusCode::kInvalidArgument));
    }
  }
  BOOST_TEST(ParseCidr("10.0.0.1/8").status().message().find("10.0.0.0/8") != std::string::npos);
  BOOST_TEST(CidrToString(ParseCidr("2001:db8::/32").value()) == "2001:db8::/32");
  BOOST_TEST(CidrToString(ParseCidr("192.0.2.7").value()) == "192.0.2.7/32");
}

BOOST_AUTO_TEST_CASE(MatchesAddressesAgainstBlocks) {
  const MatchCase cases[] = {
      {"10.0.0.0/8", "10.1.2.3", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"10.0.0.0/8", "9.255.255.255", false},
      {"192.0.2.0/25", "192.0.2.127", true},
      {"192.0.2.0/25", "192.0.2.128", false},
      {"192.0.2.7", "192.0.2.7", true},
      {"192.0.2.7", "192.0.2.6", false},
      {"0.0.0.0/0", "203.0.113.9", true},
      {"0.0.0.0/0", "2001:db8::1", false},  // families never mix
      {"::/0", "192.0.2.1", false},
      {"::/0", "2001:db8::1", true},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"2001:db8::/33", "2001:db8:7fff::1", true},
      {"2001:db8::/33", "2001:db8:8000::1", false},
      {"::1", "::1", true},
      {"::1", "::2", false},
      {"192.0.2.0/24", "::ffff:192.0.2.5", true},  // IPv4-mapped
  };
  for (const MatchCase& c : cases) {
    BOOST_TEST_CONTEXT(c.cidr << " " << c.address) {
      BOOST_TEST(CidrContains(ParseCidr(c.cidr).value(), ParseIpAddress(c.address).value()) ==
                 c.want);
    }
  }
  std::vector<Cidr> blocks = Blocks({"10.0.0.0/8", "2001:db8::/32"});
  BOOST_TEST(AnyContains(blocks, ParseIpAddress("10.9.9.9").value()));
  BOOST_TEST(AnyContains(blocks, ParseIpAddress("2001:db8::9").value()));
  BOOST_TEST(!AnyContains(blocks, ParseIpAddress("192.0.2.1").value()));
  BOOST_TEST(!AnyContains({}, ParseIpAddress("192.0.2.1").value()));
}

BOOST_AUTO_TEST_CASE(ClientAddressBelievesOnlyTrustedProxies) {
  std::vector<Cidr> trusted = Blocks({"127.0.0.1", "10.0.0.0/8", "::1"});
  const ClientCase cases[] = {
      // Not from a trusted proxy: X-Forwarded-For is ignored.
      {"203.0.113.5", "198.51.100.1", "203.0.113.5"},
      {"203.0.113.5", "", "203.0.113.5"},
      // From a proxy: the last hop not trusted.
      {"127.0.0.1", "198.51.100.1", "198.51.100.1"},
      {"127.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1"},
      {"127.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"},  // a forged left hop
      {"127.0.0.1", "198.51.100.1,10.0.0.2,10.0.0.3", "198.51.100.1"},
      {"::1", "2001:db8::7", "2001:db8::7"},
      {"127.0.0.1", "[2001:db8::7]:4711", "[2001:db8::7]:4711"},
      {"127.0.0.1", "198.51.100.1:5000", "198.51.100.1:5000"},
      // A hop that is not an address ends the walk.
      {"127.0.0.1", "198.51.100.1, unknown", "unknown"},
      // Every hop trusted: the leftmost.
      {"127.0.0.1", "10.0.0.9, 10.0.0.2", "10.0.0.9"},
      // A proxy without X-Forwarded-For, or an empty one: the proxy itself.
      {"127.0.0.1", "", "127.0.0.1"},
      {"127.0.0.1", " , ", "127.0.0.1"},
      // REMOTE_ADDR not an address.
      {"", "198.51.100.1", ""},
  };
  for (const ClientCase& c : cases) {
    BOOST_TEST_CONTEXT(c.remote << " | " << c.xff) {
      BOOST_TEST(ClientAddress(c.remote, c.xff, trusted) == c.want);
    }
  }
  // No trusted proxies at all: REMOTE_ADDR, always.
  BOOST_TEST(ClientAddress("127.0.0.1", "198.51.100.1", {}) == "127.0.0.1");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace dlr
