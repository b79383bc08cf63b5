// The checks a run passes on this host before it starts: its fds, its source addresses and its local ports.
#pragma once

#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "engine/resolved_target.hpp"
#include "profile/profile.hpp"

namespace wsl {

// Reads the open-file limit, the kernel's port settings and the sockets that hold ports now, estimates the
// run's demand from its schedule (this shard's share), and raises the soft open-file limit when that is all it
// takes. Returns every problem found, one message each (empty: the run fits).
std::vector<std::string> host_limit_problems(const Profile& profile, const Command& command,
                                             const ResolvedTarget& target);

}  // namespace wsl
