// Everything a run needs before the load starts: limits, the target (embedded or resolved), preflight, monitor.
#include "cli/run_preparation.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/host_limits.hpp"
#include "monitor/listening_owner.hpp"
#include "report/report_files.hpp"
#include "target/local_address.hpp"
#include "target/preflight.hpp"
#include "target/target_address.hpp"

namespace wsl {
namespace {

int cannot_run(const std::string& why) {
  std::cerr << "wsloadgen: cannot run: " << why << "\n";
  return kExitCannotProceed;
}

}  // namespace

int prepare_run(const Profile& profile, const Command& command, PreparedRun* prepared) {
  // A run whose reports cannot be written would end without its evidence: refuse it before any load.
  if (std::string problem = prepare_report_dir(profile.report.dir); !problem.empty()) return cannot_run(problem);
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
  if (auto problems = host_limit_problems(profile, command, target); !problems.empty()) {
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
