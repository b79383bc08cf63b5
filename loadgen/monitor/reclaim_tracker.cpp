// Server reclaim time: how long after we closed or dropped a connection the server's socket for it was gone.
#include "monitor/reclaim_tracker.hpp"

namespace wsl {

void ReclaimTracker::watch(const ClientEnd& client, ClosePattern pattern, int64_t since_ns) {
  if (client.port == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  pending_[client.port] = Pending{client.address, pattern, since_ns};
}

std::vector<ClientEnd> ReclaimTracker::pending_clients() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ClientEnd> clients;
  clients.reserve(pending_.size());
  for (const auto& [port, pending] : pending_) clients.push_back(ClientEnd{pending.client_address, port});
  return clients;
}

void ReclaimTracker::check(std::span<const SocketEntry> sockets, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  reclaim_unheld(std::bitset<65536>().set(), sockets, now_ns);
}

void ReclaimTracker::check_looked_up(std::span<const SocketEntry> asked, std::span<const SocketEntry> found,
                                     int64_t now_ns) {
  std::bitset<65536> decided;
  for (const SocketEntry& socket : asked) decided.set(socket.remote_port);
  std::lock_guard<std::mutex> lock(mutex_);
  reclaim_unheld(decided, found, now_ns);
}

void ReclaimTracker::reclaim_unheld(const std::bitset<65536>& decided, std::span<const SocketEntry> sockets,
                                    int64_t now_ns) {
  if (pending_.empty()) return;
  std::bitset<65536> held;  // client ports some owned socket still has as its peer (a listener has port 0)
  for (const SocketEntry& entry : sockets)
    if (entry.inode != 0) held.set(entry.remote_port);
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!decided.test(it->first) || held.test(it->first)) {
      ++it;
      continue;
    }
    results_.reclaim_time[int(it->second.pattern)].record(Duration(now_ns - it->second.since_ns));
    it = pending_.erase(it);
  }
}

LatencyHistogram ReclaimTracker::reclaim_time(ClosePattern pattern) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return results_.reclaim_time[int(pattern)];
}

ReclaimResults ReclaimTracker::finish(std::span<const SocketEntry> sockets, int64_t now_ns) {
  check(sockets, now_ns);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const SocketEntry& entry : sockets) {
    if (entry.inode == 0) continue;
    auto held = pending_.find(entry.remote_port);
    if (held == pending_.end()) continue;
    ++results_.stuck_by_state[std::string(tcp_state_name(entry.state))];
    pending_.erase(held);  // counted once, by its first owned socket
  }
  pending_.clear();
  return results_;
}

}  // namespace wsl
