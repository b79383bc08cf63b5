// Server reclaim time: how long after we closed or dropped a connection the server's socket for it was gone.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "monitor/client_end.hpp"
#include "monitor/socket_states.hpp"
#include "profile/profile.hpp"
#include "stats/latency_histogram.hpp"

namespace wsl {

struct ReclaimResults {
  std::array<LatencyHistogram, kClosePatternCount> reclaim_time;  // per pattern: our close -> server socket gone
  std::map<std::string, uint64_t> stuck_by_state;                 // still held by the server at the end
};

// Workers register connections as they start closing them; the monitor thread checks the target
// port's sockets against them. A connection is reclaimed once no socket a process still owns
// (one with an inode) has its client port as peer: TIME_WAIT on the server side counts as reclaimed,
// the kernel's own business, so the monitor need not even ask for those. Client ports are assumed
// not to be reused while pending: Linux spreads ephemeral ports, so a reuse within the few seconds
// of a reclaim is rare, and would only delay one.
class ReclaimTracker {
 public:
  // Thread-safe: a worker starts closing the connection whose own end is `client` (ignored if its port is 0).
  void watch(const ClientEnd& client, ClosePattern pattern, int64_t since_ns);

  // Thread-safe: our ends of the connections awaiting their reclaim.
  std::vector<ClientEnd> pending_clients() const;
  // Thread-safe: the reclaim times of `pattern` measured so far (for the live metrics).
  LatencyHistogram reclaim_time(ClosePattern pattern) const;
  // Monitor thread: compares the pending connections with the port's sockets, dumped at `now_ns`; only
  // sockets with an inode count, so `sockets` may hold others or leave them out.
  void check(std::span<const SocketEntry> sockets, int64_t now_ns);
  // Monitor thread: the same for the pending connections whose client ports `asked` covers, from lookups of
  // those sockets one by one; `found` are the ones that still exist (and perhaps the port's listener).
  void check_looked_up(std::span<const SocketEntry> asked, std::span<const SocketEntry> found, int64_t now_ns);
  // At the end of the run (after the last check at `now_ns`): whatever the server still holds is stuck,
  // counted by the TCP state of its first owned socket in `sockets`.
  ReclaimResults finish(std::span<const SocketEntry> sockets, int64_t now_ns);

 private:
  struct Pending {
    IpAddress client_address;  // lets a check look the server's socket up exactly (ReclaimLookups)
    ClosePattern pattern;
    int64_t since_ns;
  };
  // Callers hold mutex_: records a reclaim for each pending port in `decided` that no owned socket holds.
  void reclaim_unheld(const std::bitset<65536>& decided, std::span<const SocketEntry> sockets, int64_t now_ns);

  mutable std::mutex mutex_;
  std::unordered_map<uint16_t, Pending> pending_;  // by client port
  ReclaimResults results_;
};

}  // namespace wsl
