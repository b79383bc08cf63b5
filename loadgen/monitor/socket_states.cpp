// The server-side TCP sockets of a port counted by state, and the kernel's names for those states.
#include "monitor/socket_states.hpp"

#include <netinet/tcp.h>

namespace wsl {

int64_t SocketStateCounts::total() const {
  return established + syn_recv + fin_wait1 + fin_wait2 + time_wait + close_wait + last_ack + closing + listen +
         other;
}

void SocketStateCounts::add(uint8_t tcp_state) {
  switch (tcp_state) {
    case TCP_ESTABLISHED: ++established; break;
    case TCP_SYN_RECV: ++syn_recv; break;
    case 12: ++syn_recv; break;  // TCP_NEW_SYN_RECV: a request socket, reported as SYN_RECV by most kernels
    case TCP_FIN_WAIT1: ++fin_wait1; break;
    case TCP_FIN_WAIT2: ++fin_wait2; break;
    case TCP_TIME_WAIT: ++time_wait; break;
    case TCP_CLOSE_WAIT: ++close_wait; break;
    case TCP_LAST_ACK: ++last_ack; break;
    case TCP_CLOSING: ++closing; break;
    case TCP_LISTEN: ++listen; break;
    default: ++other; break;
  }
}

SocketStateCounts count_socket_states(std::span<const SocketEntry> entries) {
  SocketStateCounts counts;
  for (const SocketEntry& entry : entries) counts.add(entry.state);
  return counts;
}

std::string_view tcp_state_name(uint8_t tcp_state) {
  switch (tcp_state) {
    case TCP_ESTABLISHED: return "established";
    case TCP_SYN_SENT: return "syn_sent";
    case TCP_SYN_RECV: return "syn_recv";
    case 12: return "syn_recv";
    case TCP_FIN_WAIT1: return "fin_wait1";
    case TCP_FIN_WAIT2: return "fin_wait2";
    case TCP_TIME_WAIT: return "time_wait";
    case TCP_CLOSE: return "close";
    case TCP_CLOSE_WAIT: return "close_wait";
    case TCP_LAST_ACK: return "last_ack";
    case TCP_LISTEN: return "listen";
    case TCP_CLOSING: return "closing";
    default: return "unknown";
  }
}

}  // namespace wsl
