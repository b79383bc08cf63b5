// The connections open at one point of the schedule, oldest first, with the instants their lifetimes end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "profile/profile.hpp"

namespace wsl {

// Memory is proportional to the number of open connections: a closed one leaves no trace.
class OpenConnections {
 public:
  // Records `conn_id` as open; `expires_at` is when its lifetime ends, nullopt for never.
  void add(uint64_t conn_id, std::optional<Duration> expires_at);
  // Forgets `conn_id` and its pending lifetime end; a no-op if it is not open.
  void remove(uint64_t conn_id);

  bool empty() const { return by_id_.empty(); }
  std::size_t size() const { return by_id_.size(); }
  std::size_t expiry_count() const { return by_expiry_.size(); }
  bool contains(uint64_t conn_id) const { return by_id_.count(conn_id) != 0; }

  // The lowest open id: phases close the oldest connections first. Requires !empty().
  uint64_t oldest() const { return by_id_.begin()->first; }

  struct Expiry {
    Duration at;
    uint64_t conn_id;
  };
  // The earliest pending lifetime end (ties: lowest id), if any.
  std::optional<Expiry> earliest_expiry() const;

 private:
  std::map<uint64_t, std::optional<Duration>> by_id_;
  std::set<std::pair<Duration, uint64_t>> by_expiry_;
};

}  // namespace wsl
