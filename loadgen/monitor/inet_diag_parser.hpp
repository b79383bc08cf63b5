// Decodes the netlink messages of a sock_diag TCP dump into socket entries (pure: bytes in, entries out).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace wsl {

// An IPv4 or IPv6 address; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are stored as IPv4 so a dual-stack
// server's view of an IPv4 peer compares equal to the peer's own address.
struct IpAddress {
  uint8_t family = 0;               // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  bool operator==(const IpAddress&) const = default;
  std::string to_string() const;    // "127.0.0.1", "::1"
};

// The address of `family` at `bytes` (4 for AF_INET, 16 for AF_INET6, network order), IPv4-mapped stored as IPv4.
IpAddress make_ip_address(uint8_t family, const void* bytes);

// One TCP socket as the kernel reports it; ports are in host order, `state` is the kernel's TCP_* number.
struct SocketEntry {
  uint8_t family = 0;  // the socket's own family (AF_INET6 for a dual-stack socket with an IPv4 peer)
  uint8_t state = 0;
  IpAddress local_address;
  uint16_t local_port = 0;
  IpAddress remote_address;
  uint16_t remote_port = 0;
  uint32_t inode = 0;      // 0 for TIME_WAIT and request (SYN_RECV) sockets, which have no file
  uint32_t interface = 0;  // the device the socket is bound to (SO_BINDTODEVICE), 0 for none
};

// Where a buffer of netlink messages left the dump.
enum class DiagDumpStatus {
  more,       // only entries: keep reading
  done,       // NLMSG_DONE seen
  failed,     // NLMSG_ERROR with a non-zero error, or NLMSG_DONE carrying one
  malformed,  // a length that does not fit the buffer or a message too short for its type
};

struct DiagBatchResult {
  DiagDumpStatus status = DiagDumpStatus::more;
  int error = 0;             // positive errno when status == failed
  bool interrupted = false;  // NLM_F_DUMP_INTR: the table changed during the dump, counts may be off by a few
};

// Receives each socket of a dump as it is decoded, so a caller that only counts stores nothing.
using SocketVisitor = std::function<void(const SocketEntry&)>;

// Hands the SOCK_DIAG_BY_FAMILY entries of one received datagram to `each`; stops at the first DONE or error.
DiagBatchResult parse_inet_diag_messages(std::span<const uint8_t> bytes, const SocketVisitor& each);
// The same, appending the entries to `out`.
DiagBatchResult parse_inet_diag_messages(std::span<const uint8_t> bytes, std::vector<SocketEntry>& out);

}  // namespace wsl
