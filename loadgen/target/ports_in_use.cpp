// Local ports that sockets on this host already hold: counted from one sock_diag dump.
#include "target/ports_in_use.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <bitset>
#include <memory>

#include "monitor/sock_diag_query.hpp"

namespace wsl {
namespace {

bool is_unspecified(const IpAddress& address) {
  for (uint8_t byte : address.bytes)
    if (byte != 0) return false;
  return true;
}

bool blocks(const SocketEntry& socket, const PortPick& pick) {
  if (pick.source) return socket.local_address == *pick.source || is_unspecified(socket.local_address);
  if (socket.state == TCP_LISTEN) return true;  // a bind()-ed port is never handed out by connect()
  if (socket.remote_address != pick.target || socket.remote_port != pick.target_port) return false;
  return !(socket.state == TCP_TIME_WAIT && pick.time_wait_reusable);
}

}  // namespace

uint64_t count_ports_taken(std::span<const SocketEntry> sockets, const PortPick& pick) {
  auto taken = std::make_unique<std::bitset<65536>>();
  for (const SocketEntry& socket : sockets) {
    if (socket.local_port < pick.range.first || socket.local_port > pick.range.last) continue;
    if (blocks(socket, pick)) taken->set(socket.local_port);
  }
  return taken->count();
}

std::optional<IpAddress> parse_ip_address(const std::string& numeric_address) {
  IpAddress address;
  if (::inet_pton(AF_INET, numeric_address.c_str(), address.bytes.data()) == 1) {
    address.family = AF_INET;
    return address;
  }
  if (::inet_pton(AF_INET6, numeric_address.c_str(), address.bytes.data()) == 1) {
    address.family = AF_INET6;
    return address;
  }
  return std::nullopt;
}

std::optional<std::vector<SocketEntry>> dump_all_tcp_sockets(std::string& error) {
  auto query = SockDiagQuery::open(error);
  if (!query) return std::nullopt;
  std::vector<SocketEntry> sockets;
  // Local port 0 means no port filter.
  if (!query->dump_local_port(0, kAllTcpStates, sockets, error)) return std::nullopt;
  return sockets;
}

}  // namespace wsl
