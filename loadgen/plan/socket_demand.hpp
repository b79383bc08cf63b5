// How many sockets and local ports one shard holds at its peak, found by walking the run's schedule.
#pragma once

#include <cstdint>
#include <vector>

#include "profile/profile.hpp"

namespace wsl {

// How long a closed connection keeps its socket and its local port, by what its close pattern does on the wire.
struct PortHold {
  Duration socket = Duration::zero();  // the socket stays ours this long after the close was due (held patterns)
  bool time_wait = false;              // our FIN went first, so the port then sits in TIME_WAIT
};

// Against a healthy server: clean closes wait for the server to close TCP first (its TIME_WAIT, not ours),
// FIN-first patterns leave our port in TIME_WAIT, held patterns keep their socket for `hold`, RST frees at once.
PortHold port_hold_after_close(const CloseChoice& choice);

struct SocketDemandModel {
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  // Connection `id` uses source address `id % source_address_count` (1: the kernel's choice, one address).
  uint32_t source_address_count = 1;
  // How long a port stays unusable once in TIME_WAIT (60 s on Linux; 1 s where the kernel may reuse it).
  Duration time_wait = 60s;
  // Very long runs are walked this far only; the peaks are then those of the part walked.
  uint64_t event_budget = 4'000'000;
};

struct SocketDemand {
  uint64_t peak_open = 0;     // connections of this shard open (or opening) at once
  uint64_t peak_sockets = 0;  // sockets held at once: open ones plus those still closing
  // Per source address: the most local ports taken at once (sockets plus TIME_WAIT), and how many of
  // those were in TIME_WAIT at that moment.
  std::vector<uint64_t> peak_ports;
  std::vector<uint64_t> time_wait_at_peak;
  Duration walked = Duration::zero();  // how far into the run the walk went
  bool complete = true;                // false: the event budget ran out before the run's end
};

// Walks the whole schedule (pure: the profile and the model in, the peaks out). The port counts assume
// every connection connects; a refused or failed connect frees its port at once.
SocketDemand estimate_socket_demand(const Profile& profile, const SocketDemandModel& model);

}  // namespace wsl
