// Server reclaim time: how long after we closed or dropped a connection the server's socket for it was gone.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "monitor/socket_states.hpp"
#include "profile/profile.hpp"
#include "stats/latency_histogram.hpp"

namespace wsl {

struct ReclaimResults {
  std::array<LatencyHistogram, kClosePatternCount> reclaim_time;  // per pattern: our close -> server socket gone
  std::map<std::string, uint64_t> stuck_by_state;                 // still held by the server at the end
};

// Workers register connections as they start closing them; the monitor thread checks the target
// port's socket table against them. A connection is reclaimed once no socket a process still owns
// (one with an inode) has its client port as peer: TIME_WAIT on the server side counts as reclaimed,
// the kernel's own business. Client ports are assumed not to be reused while pending: Linux spreads
// ephemeral ports, so a reuse within the few seconds of a reclaim is rare, and would only delay one.
class ReclaimTracker {
 public:
  // Thread-safe: a worker starts closing the connection whose local port is `client_port`.
  void watch(uint16_t client_port, ClosePattern pattern, int64_t since_ns);

  bool has_pending() const;
  // Thread-safe: the reclaim times of `pattern` measured so far (for the live metrics).
  LatencyHistogram reclaim_time(ClosePattern pattern) const;
  // Monitor thread: compares the pending connections with a fresh table taken at `now_ns`.
  void check(const SocketTable& table, int64_t now_ns);
  // At the end of the run (after the last check at `now_ns`): whatever the server still holds is stuck,
  // counted by TCP state.
  ReclaimResults finish(const SocketTable& table, int64_t now_ns);

 private:
  struct Pending {
    ClosePattern pattern;
    int64_t since_ns;
  };
  static const SocketEntry* owned_socket_of(const SocketTable& table, uint16_t client_port);

  mutable std::mutex mutex_;
  std::unordered_map<uint16_t, Pending> pending_;  // by client port
  ReclaimResults results_;
};

}  // namespace wsl
