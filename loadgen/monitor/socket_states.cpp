// The server-side TCP sockets of a port: counts by state, and a table to find one connection's socket by its peer.
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

SocketTable::SocketTable(std::vector<SocketEntry> entries) {
  if (entries.empty()) return;
  // Counting sort by remote port: linear in the entries, and each port's sockets end up contiguous.
  port_start_.assign(65537, 0);
  for (const SocketEntry& entry : entries) ++port_start_[entry.remote_port + 1];
  for (size_t port = 1; port < port_start_.size(); ++port) port_start_[port] += port_start_[port - 1];
  std::vector<uint32_t> next(port_start_.begin(), port_start_.end() - 1);
  entries_.resize(entries.size());
  for (SocketEntry& entry : entries) entries_[next[entry.remote_port]++] = entry;
}

std::span<const SocketEntry> SocketTable::with_remote_port(uint16_t port) const {
  if (port_start_.empty()) return {};
  return std::span<const SocketEntry>(entries_).subspan(port_start_[port], port_start_[port + 1] - port_start_[port]);
}

const SocketEntry* SocketTable::find_remote(const IpAddress& address, uint16_t port) const {
  for (const SocketEntry& entry : with_remote_port(port))
    if (entry.remote_address == address) return &entry;
  return nullptr;
}

}  // namespace wsl
