// The checks a run passes on this host before it starts: its fds, its source addresses and its local ports.
#pragma once

#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "engine/resolved_target.hpp"
#include "plan/socket_demand.hpp"
#include "profile/profile.hpp"
#include "target/kernel_port_settings.hpp"

namespace wsl {

// Reads the open-file limit, the kernel's port settings and the sockets that hold ports now, estimates the
// run's demand from its schedule (this shard's share), and raises the soft open-file limit when that is all it
// takes. Returns every problem found, one message each (empty: the run fits).
std::vector<std::string> host_limit_problems(const Profile& profile, const Command& command,
                                             const ResolvedTarget& target);

// What this host offers a run, read once: the open-file limit, the kernel's ports, the ports taken now.
struct HostFacts {
  uint64_t fd_hard_limit = 0;
  KernelPortSettings kernel;
  std::vector<std::string> source_addresses;
  std::vector<uint64_t> taken_now;  // per source address
  SocketDemandModel model;          // this shard, the addresses, how long TIME_WAIT holds a port
};

// Reads the facts; nullopt with *problem set when a source address cannot be used at all.
std::optional<HostFacts> read_host_facts(const Profile& profile, const Command& command, const ResolvedTarget& target,
                                         std::string* problem);

// Every problem `profile` would meet on this host (empty: it fits), raising the soft open-file limit when that is
// all it takes. A capacity search asks this before each step.
std::vector<std::string> fit_to_host(const Profile& profile, const HostFacts& host);

}  // namespace wsl
