// Bookkeeping of open connections and their lifetime ends, kept in step with each other.
#include "plan/open_connections.hpp"

namespace wsl {

void OpenConnections::add(uint64_t conn_id, std::optional<Duration> expires_at) {
  // Ids only grow, so the end is the right hint and insertion is amortised constant time.
  by_id_.emplace_hint(by_id_.end(), conn_id, expires_at);
  if (expires_at) by_expiry_.emplace(*expires_at, conn_id);
}

void OpenConnections::remove(uint64_t conn_id) {
  auto it = by_id_.find(conn_id);
  if (it == by_id_.end()) return;
  if (it->second) by_expiry_.erase({*it->second, conn_id});
  by_id_.erase(it);
}

std::optional<OpenConnections::Expiry> OpenConnections::earliest_expiry() const {
  if (by_expiry_.empty()) return std::nullopt;
  const auto& [at, id] = *by_expiry_.begin();
  return Expiry{at, id};
}

}  // namespace wsl
