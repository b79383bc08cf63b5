// The connections open at one point of the schedule, oldest first, with the instants their lifetimes end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "profile/profile.hpp"

namespace wsl {

// Every worker walks the whole schedule, so each connection of the run passes through here once per worker: the
// structures are flat (a hash table, a queue and a heap) rather than ordered trees, and a closed connection is
// dropped from the queue and the heap lazily, when it reaches their front. Memory stays proportional to the
// number of open connections: both are compacted once closed entries outnumber the open ones.
class OpenConnections {
 public:
  // Records `conn_id` as open; ids only grow. `expires_at` is when its lifetime ends, nullopt for never.
  void add(uint64_t conn_id, std::optional<Duration> expires_at);
  // Forgets `conn_id` and its pending lifetime end; a no-op if it is not open.
  void remove(uint64_t conn_id);

  bool empty() const { return open_.empty(); }
  std::size_t size() const { return open_.size(); }
  bool contains(uint64_t conn_id) const { return open_.count(conn_id) != 0; }
  // Entries held, closed ones not yet dropped included: what the memory bound is about.
  std::size_t held_count() const { return open_.size() + by_age_.size() + by_expiry_.size(); }

  // The lowest open id: phases close the oldest connections first. Requires !empty().
  uint64_t oldest();

  struct Expiry {
    Duration at;
    uint64_t conn_id;
  };
  // The earliest pending lifetime end (ties: lowest id), if any.
  std::optional<Expiry> earliest_expiry();

 private:
  using HeapEntry = std::pair<Duration, uint64_t>;
  void compact_if_mostly_closed();

  std::unordered_map<uint64_t, std::optional<Duration>> open_;
  std::deque<uint64_t> by_age_;         // ids in the order they opened, closed ones among them
  std::vector<HeapEntry> by_expiry_;    // a min-heap of lifetime ends, closed connections' among them
  std::size_t open_with_expiry_ = 0;    // how many entries of by_expiry_ are still open
};

}  // namespace wsl
