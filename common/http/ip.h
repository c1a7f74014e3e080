// IP addresses and CIDR blocks (IPv4 and IPv6), and the client's address
// behind trusted proxies: what `allow_from` and `trusted_proxies` need.
//
// Pure functions over values; thread-safe. An IPv4-mapped IPv6 address
// (::ffff:192.0.2.1) is taken as the IPv4 address it maps, so that a dual-stack
// socket's REMOTE_ADDR matches IPv4 blocks.
#ifndef DLR_COMMON_HTTP_IP_H_
#define DLR_COMMON_HTTP_IP_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/status.h"

namespace dlr {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4: the first 4
  bool operator==(const IpAddress& o) const { return v6 == o.v6 && bytes == o.bytes; }
};

// "192.0.2.1", "2001:db8::1", "[2001:db8::1]", and with a port as a proxy may
// write them ("192.0.2.1:443", "[2001:db8::1]:443"); surrounding spaces
// dropped. nullopt for anything else (a zone index "%eth0" included).
std::optional<IpAddress> ParseIpAddress(std::string_view text);

struct Cidr {
  IpAddress network;
  int prefix_length = 0;  // 0..32 for IPv4, 0..128 for IPv6
};

// "10.0.0.0/8", "2001:db8::/32", or a bare address (a block of one). An error
// naming the text for a bad address, a bad or out-of-range length, or host
// bits set below the prefix ("10.0.0.1/8": probably a typo).
StatusOr<Cidr> ParseCidr(std::string_view text);

// The block written back as text ("10.0.0.0/8").
std::string CidrToString(const Cidr& cidr);

// True when `address` lies in `cidr` (an IPv4 address never lies in an IPv6
// block, nor the reverse).
bool CidrContains(const Cidr& cidr, const IpAddress& address);
bool AnyContains(const std::vector<Cidr>& blocks, const IpAddress& address);

// The address a request comes from. When REMOTE_ADDR is in `trusted_proxies`,
// X-Forwarded-For (comma-separated hops, the nearest last) is read from the
// right: the first hop not in `trusted_proxies` is the client; a hop that is
// not an address ends the walk and is returned as written (it then matches no
// block). With every hop trusted, the leftmost one. Otherwise, or with no
// X-Forwarded-For, REMOTE_ADDR itself.
std::string ClientAddress(std::string_view remote_addr, std::string_view x_forwarded_for,
                          const std::vector<Cidr>& trusted_proxies);

}  // namespace dlr

#endif  // DLR_COMMON_HTTP_IP_H_
