// The server-side TCP sockets of a port: counts by state, and a table to find one connection's socket by its peer.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "monitor/inet_diag_parser.hpp"

namespace wsl {

// How many sockets are in each TCP state; `other` holds states a server-side socket should not be in (SYN_SENT, CLOSE).
struct SocketStateCounts {
  int64_t established = 0;
  int64_t syn_recv = 0;
  int64_t fin_wait1 = 0;
  int64_t fin_wait2 = 0;
  int64_t time_wait = 0;
  int64_t close_wait = 0;
  int64_t last_ack = 0;
  int64_t closing = 0;
  int64_t listen = 0;
  int64_t other = 0;

  int64_t total() const;
  void add(uint8_t tcp_state);  // the kernel's TCP_* number
  bool operator==(const SocketStateCounts&) const = default;
};

SocketStateCounts count_socket_states(std::span<const SocketEntry> entries);

// Lower-case name of a kernel TCP state for the `state` metric label: "established", "close_wait", … ("unknown").
std::string_view tcp_state_name(uint8_t tcp_state);

// One dump's entries, indexed by remote port (counting sort) so finding a connection's socket is O(1).
class SocketTable {
 public:
  SocketTable() = default;
  explicit SocketTable(std::vector<SocketEntry> entries);

  const std::vector<SocketEntry>& entries() const { return entries_; }
  SocketStateCounts counts() const { return count_socket_states(entries_); }

  // Every socket whose remote port is `port` (usually one; more when peers use several source addresses).
  std::span<const SocketEntry> with_remote_port(uint16_t port) const;
  // The socket whose peer is address:port; when there are several (a TIME_WAIT and a new one), the first in dump order.
  const SocketEntry* find_remote(const IpAddress& address, uint16_t port) const;

 private:
  std::vector<SocketEntry> entries_;   // sorted by remote port, stable
  std::vector<uint32_t> port_start_;   // 65537 offsets into entries_, empty for an empty table
};

}  // namespace wsl
