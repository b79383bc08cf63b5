// The monitor's own connections to the server under test, remembered while the server keeps a socket for them.
#include "monitor/own_connections.hpp"

#include <algorithm>

namespace wsl {

void OwnConnections::opened(const ClientEnd& end) {
  if (end.port == 0) return;
  std::vector<Remembered>& same_port = by_port_[end.port];
  // A port the kernel handed out again to a new scrape: one entry is enough for both.
  for (const Remembered& known : same_port)
    if (known.address == end.address) return;
  same_port.push_back({end.address});
}

bool OwnConnections::is_ours(const SocketEntry& server_socket) {
  auto found = by_port_.find(server_socket.remote_port);
  if (found == by_port_.end()) return false;
  for (Remembered& known : found->second)
    if (known.address == server_socket.remote_address) {
      known.seen = true;
      return true;
    }
  return false;
}

void OwnConnections::census_done() {
  for (auto it = by_port_.begin(); it != by_port_.end();) {
    std::vector<Remembered>& same_port = it->second;
    std::erase_if(same_port, [](const Remembered& known) { return !known.seen; });
    for (Remembered& known : same_port) known.seen = false;
    it = same_port.empty() ? by_port_.erase(it) : std::next(it);
  }
}

size_t OwnConnections::remembered() const {
  size_t count = 0;
  for (const auto& [port, same_port] : by_port_) count += same_port.size();
  return count;
}

}  // namespace wsl
