#include "common/http/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace dlr {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<IpAddress> ParsePlain(std::string_view s) {
  if (s.empty() || s.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  IpAddress a;
  if (s.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, a.bytes.data()) != 1) return std::nullopt;
    return a;
  }
  if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
    IpAddress v4;
    std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
    return v4;
  }
  a.v6 = true;
  return a;
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  std::string_view s = Trim(text);
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && AllDigits(rest.substr(1)))) return std::nullopt;
    std::optional<IpAddress> a = ParsePlain(s.substr(1, close - 1));
    if (!a || !a->v6) return std::nullopt;
    return a;
  }
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos) {
    // One colon: IPv4 with a port.
    if (!AllDigits(s.substr(colon + 1))) return std::nullopt;
    std::optional<IpAddress> a = ParsePlain(s.substr(0, colon));
    if (!a || a->v6) return std::nullopt;
    return a;
  }
  return ParsePlain(s);
}

StatusOr<Cidr> ParseCidr(std::string_view text) {
  std::string shown(text.substr(0, 64));
  std::string_view s = Trim(text);
  size_t slash = s.find('/');
  std::optional<IpAddress> a = ParsePlain(s.substr(0, slash));
  if (!a) return Status::InvalidArgument("\"" + shown + "\" is not an IP address or CIDR block");
  int max = a->v6 ? 128 : 32;
  int length = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = s.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || !AllDigits(digits)) {
      return Status::InvalidArgument("\"" + shown + "\": the prefix length is not a number");
    }
    length = 0;
    for (char c : digits) length = length * 10 + (c - '0');
    if (length > max) {
      return Status::InvalidArgument("\"" + shown + "\": the prefix length is over " +
                                     std::to_string(max));
    }
  }
  Cidr cidr{*a, length};
  IpAddress masked = *a;
  int bytes = a->v6 ? 16 : 4;
  for (int i = 0; i < bytes; ++i) {
    int bits = length - i * 8;
    uint8_t mask = static_cast<uint8_t>(bits >= 8 ? 0xff : bits <= 0 ? 0 : 0xff << (8 - bits));
    masked.bytes[i] = static_cast<uint8_t>(masked.bytes[i] & mask);
  }
  if (!(masked == *a)) {
    return Status::InvalidArgument("\"" + shown + "\" has host bits set below its /" +
                                   std::to_string(length) + " (did you mean " +
                                   CidrToString(Cidr{masked, length}) + "?)");
  }
  return cidr;
}

std::string CidrToString(const Cidr& cidr) {
  char buf[INET6_ADDRSTRLEN];
  const char* r =
      inet_ntop(cidr.network.v6 ? AF_INET6 : AF_INET, cidr.network.bytes.data(), buf, sizeof buf);
  return std::string(r ? r : "?") + "/" + std::to_string(cidr.prefix_length);
}

bool CidrContains(const Cidr& cidr, const IpAddress& address) {
  if (cidr.network.v6 != address.v6) return false;
  int length = cidr.prefix_length;
  for (int i = 0; length > 0; ++i, length -= 8) {
    uint8_t mask = static_cast<uint8_t>(length >= 8 ? 0xff : 0xff << (8 - length));
    if ((address.bytes[i] & mask) != (cidr.network.bytes[i] & mask)) return false;
  }
  return true;
}

bool AnyContains(const std::vector<Cidr>& blocks, const IpAddress& address) {
  for (const Cidr& c : blocks) {
    if (CidrContains(c, address)) return true;
  }
  return false;
}

std::string ClientAddress(std::string_view remote_addr, std::string_view x_forwarded_for,
                          const std::vector<Cidr>& trusted_proxies) {
  std::optional<IpAddress> remote = ParseIpAddress(remote_addr);
  if (!remote || !AnyContains(trusted_proxies, *remote) || Trim(x_forwarded_for).empty()) {
    return std::string(remote_addr);
  }
  std::string_view rest = x_forwarded_for;
  std::string_view leftmost;
  while (!rest.empty()) {
    size_t comma = rest.rfind(',');
    std::string_view hop = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (hop.empty()) continue;
    std::optional<IpAddress> a = ParseIpAddress(hop);
    if (!a || !AnyContains(trusted_proxies, *a)) return std::string(hop);
    leftmost = hop;
  }
  return std::string(leftmost.empty() ? remote_addr : leftmost);
}

}  // namespace dlr
