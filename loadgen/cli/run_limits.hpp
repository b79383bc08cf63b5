// The limits a run must fit in before it starts — file descriptors and local ports — and what to change (pure).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/socket_demand.hpp"
#include "target/kernel_port_settings.hpp"

namespace wsl {

// Head-room over one fd per socket: each worker's epoll and eventfd, the embedded server's pipe, stdio, the monitor, metrics.
inline constexpr uint64_t kSpareFds = 64;

uint64_t fds_needed(const SocketDemand& demand);

// "" when `fds_needed` fits under the hard open-file limit (the soft one can then be raised), else the refusal.
std::string fd_limit_problem(const SocketDemand& demand, uint64_t hard_limit);

// Linux keeps a socket in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN, not tunable); with tcp_tw_reuse, connect() may
// take such a port again once it has been idle 1 s.
inline constexpr Duration kTimeWaitLength = 60s;
inline constexpr Duration kTimeWaitReuseAfter = 1s;

// Whether connect() may reuse our TIME_WAIT ports: when tcp_tw_reuse allows it (1, or 2 for a loopback target),
// and never for a socket bound to a source address, because bind() picks the port before the destination is
// known and any TIME_WAIT socket on it then blocks it.
bool kernel_reuses_time_wait(const KernelPortSettings& kernel, bool bound_source_address, bool loopback_target);

struct LocalPortCheck {
  SocketDemand demand;                        // from estimate_socket_demand, one entry per source address
  KernelPortSettings kernel;
  std::vector<std::string> source_addresses;  // empty: the kernel's one source address
  std::vector<uint64_t> taken_now;            // per address: ports other sockets hold right now (may be empty)
  Duration time_wait = kTimeWaitLength;       // how long the demand counted a TIME_WAIT port as taken
};

// "" when every source address has the ports the demand needs, else the refusal naming the busiest address,
// the numbers, and the fixes (more source addresses, --shard, a wider net.ipv4.ip_local_port_range).
std::string local_port_problem(const LocalPortCheck& check);

}  // namespace wsl
