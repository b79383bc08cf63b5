// Which server sockets a reclaim check can look up one by one instead of dumping the port: learned from a full dump.
#include "monitor/reclaim_lookups.hpp"

#include <algorithm>

namespace wsl {
namespace {

bool same_pair(const SocketEntry& a, const SocketEntry& b) {
  return a.family == b.family && a.local_address == b.local_address && a.local_port == b.local_port &&
         a.remote_address == b.remote_address && a.interface == b.interface;
}

}  // namespace

void ReclaimLookups::learn(std::span<const SocketEntry> owned) {
  known_ports_.reset();
  pairs_.clear();
  for (const SocketEntry& socket : owned) {
    if (socket.inode == 0) continue;
    known_ports_.set(socket.remote_port);
    if (pairs_.size() <= kMaxAddressPairs &&
        std::none_of(pairs_.begin(), pairs_.end(), [&](const SocketEntry& pair) { return same_pair(pair, socket); }))
      pairs_.push_back(socket);
  }
}

bool ReclaimLookups::plan(std::span<const uint16_t> client_ports, std::vector<SocketEntry>& out) const {
  if (pairs_.size() > kMaxAddressPairs) return client_ports.empty();
  bool all_known = true;
  for (uint16_t port : client_ports) {
    if (!known_ports_.test(port)) {
      all_known = false;
      continue;
    }
    for (SocketEntry socket : pairs_) {
      socket.remote_port = port;
      out.push_back(socket);
    }
  }
  return all_known;
}

}  // namespace wsl
