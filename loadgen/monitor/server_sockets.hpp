// The target port's server-side sockets as the monitor samples them: all counted by state, or the owned ones listed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/own_connections.hpp"
#include "monitor/sock_diag_query.hpp"
#include "monitor/socket_states.hpp"

namespace wsl {

struct ServerSocketCounts {
  SocketStateCounts by_state;  // every state, the listener and TIME_WAIT included
  int64_t owned = 0;           // connections a process still holds (they have an inode); listeners left out
};

// One monitor sample of `local_port`: counted as the datagrams arrive, no socket stored; nullopt on failure.
// The server's ends of the monitor's own connections (`own`) are left out, and `own` told what the census found.
std::optional<ServerSocketCounts> count_server_sockets(SockDiagQuery& query, uint16_t local_port,
                                                       OwnConnections& own, std::string& error);

// The connections of `local_port` a process still owns (what a reclaim waits for), into `out`: cleared first,
// its capacity kept for the next call. TIME_WAIT and request sockets have no inode, so they are not even asked
// for: after a churn they are most of the port's sockets, and the kernel then walks past them unformatted.
bool list_owned_server_sockets(SockDiagQuery& query, uint16_t local_port, std::vector<SocketEntry>& out,
                               std::string& error);

}  // namespace wsl
