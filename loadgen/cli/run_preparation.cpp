// Everything a run needs before the load starts: limits, the target (embedded or resolved), preflight, monitor.
#include "cli/run_preparation.hpp"

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/run_limits.hpp"
#include "monitor/listening_owner.hpp"
#include "plan/socket_demand.hpp"
#include "target/kernel_port_settings.hpp"
#include "target/local_address.hpp"
#include "target/ports_in_use.hpp"
#include "target/preflight.hpp"
#include "target/target_address.hpp"

namespace wsl {
namespace {

// Raises the soft open-file limit to what the demand needs when the hard limit allows; returns the refusal
// otherwise.
std::string ensure_fd_limit(const SocketDemand& demand) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (std::string problem = fd_limit_problem(demand, limit.rlim_max); !problem.empty()) return problem;
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

// The run's fds and local ports against this host's limits; every problem found, one per line.
std::vector<std::string> limit_problems(const Profile& profile, const Command& command, const ResolvedTarget& target) {
  const auto target_address = parse_ip_address(target.address);
  if (!target_address) return {};  // resolve_target_address always gives a numeric address
  const auto& sources = profile.target.source_addresses;
  if (std::string problem = source_address_problem(sources, *target_address); !problem.empty()) return {problem};

  const KernelPortSettings kernel = read_kernel_port_settings();
  SocketDemandModel model;
  model.shard_index = command.shard_index;
  model.shard_count = command.shard_count;
  model.source_address_count = uint32_t(std::max<size_t>(sources.size(), 1));
  const bool reuses_time_wait = kernel_reuses_time_wait(kernel, !sources.empty(), is_loopback(*target_address));
  model.time_wait = reuses_time_wait ? kTimeWaitReuseAfter : kTimeWaitLength;
  LocalPortCheck ports;
  ports.demand = estimate_socket_demand(profile, model);
  ports.kernel = kernel;
  ports.source_addresses = sources;
  ports.time_wait = model.time_wait;
  ports.taken_now = ports_taken_now(sources, target, *target_address, kernel, reuses_time_wait);

  std::vector<std::string> problems;
  if (std::string problem = ensure_fd_limit(ports.demand); !problem.empty()) problems.push_back(problem);
  if (std::string problem = local_port_problem(ports); !problem.empty()) problems.push_back(problem);
  return problems;
}

int cannot_run(const std::string& why) {
  std::cerr << "wsloadgen: cannot run: " << why << "\n";
  return kExitCannotProceed;
}

}  // namespace

int prepare_run(const Profile& profile, const Command& command, PreparedRun* prepared) {
  std::string url_text = profile.target.url;
  std::string error;
  if (url_text.empty()) {
    prepared->embedded = std::make_unique<EmbeddedServerProcess>();
    if (!prepared->embedded->start(&error)) return cannot_run(error);
    url_text = prepared->embedded->url();
  }
  std::optional<TargetUrl> url = parse_target_url(url_text, &error);
  if (!url) {
    std::cerr << "wsloadgen: " << error << "\n";
    return kExitUsage;
  }
  if (url->tls && profile.target.tls.insecure_skip_verify)
    std::cerr << "wsloadgen: warning: target.tls.insecure_skip_verify is set: the server's certificate and name "
                 "are not verified, so anyone on the path could pose as the target\n";
  ResolvedTarget& target = prepared->target;
  target.url = *url;
  std::optional<std::string> address = resolve_target_address(target.url, &error);
  if (!address) return cannot_run(error);
  target.address = *address;
  if (auto problems = limit_problems(profile, command, target); !problems.empty()) {
    for (const auto& problem : problems) cannot_run(problem);
    return kExitCannotProceed;
  }
  if (std::string problem = preflight_target(target.url, target.address, profile.target); !problem.empty()) {
    // The message quotes the URL, which may carry a secret from the environment.
    if (profile.target.url_secret)
      problem = "target " + target.address + ":" + std::to_string(target.url.port) + " (target.url redacted) is not usable";
    return cannot_run(problem);
  }
  for (const auto& header : profile.target.headers) target.headers.emplace_back(header.name, header.value);

  if (prepared->embedded) prepared->target_label = "embedded server " + target.url.to_string();
  else prepared->target_label = profile.target.url_secret ? "<redacted: target.url uses ${VAR}>" : target.url.to_string();
  return kExitPassed;
}

std::unique_ptr<Monitor> start_monitor(const Profile& profile, PreparedRun& prepared, int64_t epoch_ns,
                                       ReclaimTracker* reclaims) {
  const MonitorSpec& spec = profile.monitor;
  MonitorTarget target;
  const bool same_host = prepared.embedded || is_local_address(prepared.target.address);
  if (same_host) target.port = prepared.target.url.port;
  if (prepared.embedded) {
    target.pid = prepared.embedded->pid();
  } else if (spec.pid_mode == MonitorSpec::PidMode::pid) {
    target.pid = spec.pid;
  } else if (spec.pid_mode == MonitorSpec::PidMode::pid_file) {
    target.pid = read_pid_file(spec.pid_file);
    if (!target.pid) std::cerr << "wsloadgen: monitor: cannot read a pid from " << spec.pid_file << "\n";
  } else if (spec.pid_mode == MonitorSpec::PidMode::auto_detect && same_host) {
    target.pid = find_listening_pid(prepared.target.url.port);
    if (!target.pid)
      std::cerr << "wsloadgen: monitor: no process of ours can be seen listening on port "
                << prepared.target.url.port << "; watching its sockets only\n";
  }
  if (spec.pid_mode == MonitorSpec::PidMode::none) target.pid.reset();
  target.scrape_url = spec.scrape;
  target.scrape_series = spec.series;
  if (!target.pid && !target.port && target.scrape_url.empty()) {
    prepared.monitor_note = "remote target without monitor.scrape";
    return nullptr;
  }
  auto monitor = std::make_unique<Monitor>(target, spec.interval, epoch_ns);
  monitor->set_reclaim_tracker(reclaims);
  std::string error;
  if (!monitor->start(&error)) {
    prepared.monitor_note = error;
    return nullptr;
  }
  return monitor;
}

}  // namespace wsl
