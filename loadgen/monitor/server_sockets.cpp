// The target port's server-side sockets as the monitor samples them: all counted by state, or the owned ones listed.
#include "monitor/server_sockets.hpp"

#include <sys/socket.h>

namespace wsl {
namespace {

// Every dump walks the kernel's whole connection table (all families, all ports), so the cost grows with every
// TCP socket on the host. Listeners are cheap to list (only the listening table is walked); a server's accepted
// sockets share its listener's family, so only those families' connections (in `states`) are dumped, both when
// none listens (the server gone). The listeners are left in `listeners`.
bool dump_server_sockets(SockDiagQuery& query, uint16_t local_port, uint32_t states,
                         std::vector<SocketEntry>& listeners, const SocketVisitor& each, std::string& error) {
  if (!query.dump_local_port(local_port, kListenState, listeners, error)) return false;
  bool ipv4 = listeners.empty(), ipv6 = listeners.empty();
  for (const SocketEntry& listener : listeners) (listener.family == AF_INET6 ? ipv6 : ipv4) = true;
  const uint32_t connection_states = states & ~kListenState;
  return (!ipv4 || query.dump_family(AF_INET, local_port, connection_states, each, error)) &&
         (!ipv6 || query.dump_family(AF_INET6, local_port, connection_states, each, error));
}

}  // namespace

std::optional<ServerSocketCounts> count_server_sockets(SockDiagQuery& query, uint16_t local_port,
                                                       OwnConnections& own, std::string& error) {
  ServerSocketCounts counts;
  std::vector<SocketEntry> listeners;
  auto count = [&counts, &own](const SocketEntry& entry) {
    if (own.is_ours(entry)) return;
    counts.by_state.add(entry.state);
    counts.owned += entry.inode != 0;
  };
  if (!dump_server_sockets(query, local_port, kAllTcpStates, listeners, count, error)) return std::nullopt;
  own.census_done();
  for (const SocketEntry& listener : listeners) counts.by_state.add(listener.state);
  return counts;
}

bool list_owned_server_sockets(SockDiagQuery& query, uint16_t local_port, std::vector<SocketEntry>& out,
                               std::string& error) {
  out.clear();
  std::vector<SocketEntry> listeners;
  auto keep_owned = [&out](const SocketEntry& entry) {
    if (entry.inode != 0) out.push_back(entry);
  };
  return dump_server_sockets(query, local_port, kAllTcpStates & ~kTimeWaitState & ~kNewSynRecvState, listeners,
                             keep_owned, error);
}

}  // namespace wsl
