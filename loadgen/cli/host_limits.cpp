// The checks a run passes on this host before it starts: the I/O around the pure rules of run_limits.
#include "cli/host_limits.hpp"

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>

#include "cli/run_limits.hpp"
#include "plan/socket_demand.hpp"
#include "target/kernel_port_settings.hpp"
#include "target/local_address.hpp"
#include "target/ports_in_use.hpp"

namespace wsl {
namespace {

// Raises the soft open-file limit to what the demand needs when the hard limit allows; returns the refusal
// otherwise.
std::string ensure_fd_limit(const SocketDemand& demand, uint64_t hard_limit) {
  if (std::string problem = fd_limit_problem(demand, hard_limit); !problem.empty()) return problem;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < fds_needed(demand)) {
    limit.rlim_cur = fds_needed(demand);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  return "";
}

bool is_loopback(const IpAddress& address) {
  if (address.family == AF_INET) return address.bytes[0] == 127;
  static constexpr std::array<uint8_t, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return address.bytes == kLoopback6;
}

// Every source address must be one this host can bind, of the target's family.
std::string source_address_problem(const std::vector<std::string>& sources, const IpAddress& target) {
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto source = parse_ip_address(sources[i]);
    const std::string key = "target.source_addresses[" + std::to_string(i) + "] " + sources[i];
    if (!source || source->family != target.family)
      return key + " is not of the target's address family (" + target.to_string() + ")";
    if (!is_local_address(sources[i]))
      return key + " is not an address of this host: a connection cannot be bound to it";
  }
  return "";
}

// The local ports each source address still has free: the kernel's range, less what other sockets hold now.
std::vector<uint64_t> ports_taken_now(const std::vector<std::string>& sources, const ResolvedTarget& target,
                                      const IpAddress& target_address, const KernelPortSettings& kernel,
                                      bool time_wait_reusable) {
  std::string error;
  const auto sockets = dump_all_tcp_sockets(error);
  if (!sockets) return {};  // without sock_diag the check counts the range alone
  PortPick pick;
  pick.target = target_address;
  pick.target_port = target.url.port;
  pick.time_wait_reusable = time_wait_reusable;
  pick.range = kernel.range;
  if (sources.empty()) return {count_ports_taken(*sockets, pick)};
  std::vector<uint64_t> taken;
  for (const auto& source : sources) {
    pick.source = parse_ip_address(source);
    taken.push_back(count_ports_taken(*sockets, pick));
  }
  return taken;
}

}  // namespace

std::optional<HostFacts> read_host_facts(const Profile& profile, const Command& command, const ResolvedTarget& target,
                                         std::string* problem) {
  const auto target_address = parse_ip_address(target.address);
  if (!target_address) return std::nullopt;  // resolve_target_address always gives a numeric address
  const auto& sources = profile.target.source_addresses;
  if (std::string bad = source_address_problem(sources, *target_address); !bad.empty()) {
    *problem = bad;
    return std::nullopt;
  }
  HostFacts host;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  host.fd_hard_limit = limit.rlim_max;
  host.kernel = read_kernel_port_settings();
  host.source_addresses = sources;
  host.model.shard_index = command.shard_index;
  host.model.shard_count = command.shard_count;
  host.model.source_address_count = uint32_t(std::max<size_t>(sources.size(), 1));
  const bool reuses_time_wait = kernel_reuses_time_wait(host.kernel, !sources.empty(), is_loopback(*target_address));
  host.model.time_wait = reuses_time_wait ? kTimeWaitReuseAfter : kTimeWaitLength;
  host.taken_now = ports_taken_now(sources, target, *target_address, host.kernel, reuses_time_wait);
  return host;
}

std::vector<std::string> fit_to_host(const Profile& profile, const HostFacts& host) {
  LocalPortCheck ports;
  ports.demand = estimate_socket_demand(profile, host.model);
  ports.kernel = host.kernel;
  ports.source_addresses = host.source_addresses;
  ports.time_wait = host.model.time_wait;
  ports.taken_now = host.taken_now;
  std::vector<std::string> problems;
  if (std::string problem = ensure_fd_limit(ports.demand, host.fd_hard_limit); !problem.empty())
    problems.push_back(problem);
  if (std::string problem = local_port_problem(ports); !problem.empty()) problems.push_back(problem);
  return problems;
}

std::vector<std::string> host_limit_problems(const Profile& profile, const Command& command,
                                             const ResolvedTarget& target) {
  std::string problem;
  const std::optional<HostFacts> host = read_host_facts(profile, command, target, &problem);
  if (!host) return problem.empty() ? std::vector<std::string>{} : std::vector<std::string>{problem};
  return fit_to_host(profile, *host);
}

}  // namespace wsl
