// The server-side TCP sockets of a port counted by state, and the kernel's names for those states.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

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

}  // namespace wsl
