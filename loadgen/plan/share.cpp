// Which connections a shard and worker own: ids dealt round-robin to shards, then to workers.
#include "plan/schedule.hpp"

#include <algorithm>

namespace wsl {

bool Share::owns(uint64_t conn_id) const {
  // A count of 0 is a caller's mistake; treating it as 1 avoids a division by zero.
  const uint64_t shards = std::max<uint32_t>(shard_count, 1);
  const uint64_t workers = std::max<uint32_t>(worker_count, 1);
  if (conn_id % shards != shard_index) return false;
  return (conn_id / shards) % workers == worker_index;
}

}  // namespace wsl
