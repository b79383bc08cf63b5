// The pure, seeded schedule of a run: when each connection opens and when and how it closes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "plan/random_draw.hpp"  // connection_random
#include "profile/profile.hpp"

namespace wsl {

// Which disjoint share of the connections this process runs (--shard I/N), and which worker of it.
struct Share {
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  uint32_t worker_index = 0;
  uint32_t worker_count = 1;

  // Connection ids are global across shards; this share owns conn_id when this returns true.
  bool owns(uint64_t conn_id) const;
};

struct ScheduledEvent {
  enum class Kind {
    phase_start,  // informational: phase `phase_index` of `cycle` begins at `at`
    open,         // open connection `conn_id` at `at`; with `close` set (handshake_abort), cut the upgrade short
    close,        // close connection `conn_id` at `at` with `close`
    end,          // the last phase is over: no more events follow
  };
  Kind kind = Kind::end;
  Duration at = Duration::zero();   // intended time, from the start of the run
  uint64_t conn_id = 0;
  uint32_t phase_index = 0;
  uint32_t cycle = 0;
  // Points into the Profile given to the Schedule, or at default_close_choice() when no mix applies.
  const CloseChoice* close = nullptr;
};

// Yields every event of the whole run (all shards, all workers) in non-decreasing `at` order.
// It depends only on the profile and its seed: two Schedules of the same profile yield identical
// sequences, which is what lets every worker of every shard walk its own copy and act on what it owns.
// The profile must outlive the Schedule.
class Schedule {
 public:
  explicit Schedule(const Profile& profile);
  Schedule(Profile&&) = delete;  // the profile must outlive the schedule: a temporary would dangle
  ~Schedule();
  Schedule(Schedule&&) noexcept;
  Schedule& operator=(Schedule&&) noexcept;

  // The next event, or an event of kind `end` once the run is over (and forever after).
  ScheduledEvent next();

  // The time of the next event without consuming it.
  Duration peek_time();

  // Connections open at the current point of the walk (all shards, all workers).
  std::size_t open_count() const;

  // Entries the schedule holds: open connections, their pending lifetime ends and ready events.
  // It stays within a small multiple of open_count(): the run is generated lazily, never precomputed.
  std::size_t pending_count() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wsl
