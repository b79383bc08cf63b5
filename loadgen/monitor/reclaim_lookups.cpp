// Which server sockets a reclaim check can look up one by one instead of dumping the port: learned from dumps.
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
  for (const SocketEntry& socket : owned) {
    if (socket.inode == 0 || pairs_.size() >= kMaxAddressPairs) continue;
    if (std::none_of(pairs_.begin(), pairs_.end(), [&](const SocketEntry& pair) { return same_pair(pair, socket); }))
      pairs_.push_back(socket);
  }
}

bool ReclaimLookups::plan(std::span<const ClientEnd> clients, std::vector<SocketEntry>& out) const {
  bool all_known = true;
  for (const ClientEnd& client : clients) {
    bool known = false;
    for (SocketEntry socket : pairs_) {
      if (socket.remote_address != client.address) continue;
      socket.remote_port = client.port;
      out.push_back(socket);
      known = true;
    }
    all_known = all_known && known;
  }
  return all_known;
}

}  // namespace wsl
