// Server reclaim time: how long after we closed or dropped a connection the server's socket for it was gone.
#include "monitor/reclaim_tracker.hpp"

namespace wsl {

void ReclaimTracker::watch(uint16_t client_port, ClosePattern pattern, int64_t since_ns) {
  if (client_port == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  pending_[client_port] = Pending{pattern, since_ns};
}

bool ReclaimTracker::has_pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !pending_.empty();
}

const SocketEntry* ReclaimTracker::owned_socket_of(const SocketTable& table, uint16_t client_port) {
  for (const SocketEntry& entry : table.with_remote_port(client_port))
    if (entry.inode != 0) return &entry;
  return nullptr;
}

void ReclaimTracker::check(const SocketTable& table, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (owned_socket_of(table, it->first)) {
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

ReclaimResults ReclaimTracker::finish(const SocketTable& table, int64_t now_ns) {
  check(table, now_ns);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [port, pending] : pending_) {
    if (const SocketEntry* held = owned_socket_of(table, port))
      ++results_.stuck_by_state[std::string(tcp_state_name(held->state))];
  }
  pending_.clear();
  return results_;
}

}  // namespace wsl
