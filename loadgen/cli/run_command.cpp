// `wsloadgen run`: loads the profile, prepares the target, runs the workers, prints the summary, picks the exit code.
#include "cli/run_command.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/exit_codes.hpp"
#include "cli/signal_watcher.hpp"
#include "engine/monotonic_clock.hpp"
#include "engine/open_fd_count.hpp"
#include "engine/worker.hpp"
#include "profile/load_profile.hpp"
#include "report/summary.hpp"
#include "target/embedded_server_process.hpp"
#include "target/preflight.hpp"
#include "target/target_address.hpp"
#include "verdict/threshold_checks.hpp"

namespace wsl {
namespace {

// Head-room over one fd per connection: lws' own fds, the embedded server's pipe, stdio, reports.
constexpr uint64_t kSpareFds = 64;

uint64_t peak_connections(const Profile& profile, uint32_t shard_count) {
  uint64_t peak = 0;
  for (const auto& phase : profile.phases) peak = std::max<uint64_t>(peak, phase.connections.value_or(0));
  return (peak + shard_count - 1) / shard_count;
}

// Raises the soft open-file limit as far as needed and allowed; returns an error line when it cannot.
std::string ensure_fd_limit(uint64_t connections) {
  const uint64_t needed = connections + kSpareFds;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= needed) return "";
  if (limit.rlim_max >= needed) {
    limit.rlim_cur = needed;
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) return "";
  }
  return "the profile needs up to " + std::to_string(connections) + " open connections (" +
         std::to_string(needed) + " file descriptors) but the open-file limit is " +
         std::to_string(limit.rlim_max) + ": raise it (ulimit -n " + std::to_string(needed) +
         "), lower phases[].connections, or split the load with --shard I/N";
}

unsigned worker_count(const Profile& profile) {
  if (profile.workers) return profile.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

int run_run_command(const Command& command) {
  ProfileLoadResult loaded = load_profile_file(command.profile_path, command.overrides, process_environment());
  if (!loaded.errors.empty()) {
    for (const auto& error : loaded.errors) std::cerr << error.to_string() << "\n";
    return kExitUsage;
  }
  const Profile profile = std::move(*loaded.profile);
  if (std::string problem = ensure_fd_limit(peak_connections(profile, command.shard_count)); !problem.empty()) {
    std::cerr << "wsloadgen: cannot run: " << problem << "\n";
    return kExitCannotProceed;
  }

  EmbeddedServerProcess embedded;
  std::string url_text = profile.target.url;
  std::string error;
  if (url_text.empty()) {
    if (!embedded.start(&error)) {
      std::cerr << "wsloadgen: " << error << "\n";
      return kExitCannotProceed;
    }
    url_text = embedded.url();
  }
  ResolvedTarget target;
  std::optional<TargetUrl> url = parse_target_url(url_text, &error);
  if (!url) {
    std::cerr << "wsloadgen: " << error << "\n";
    return kExitUsage;
  }
  target.url = *url;
  std::optional<std::string> address = resolve_target_address(target.url, &error);
  if (!address) {
    std::cerr << "wsloadgen: cannot run: " << error << "\n";
    return kExitCannotProceed;
  }
  target.address = *address;
  if (std::string problem = preflight_target(target.url, target.address, profile.target); !problem.empty()) {
    // The message quotes the URL, which may carry a secret from the environment.
    if (profile.target.url_secret) problem = "target " + target.address + ":" + std::to_string(target.url.port) +
                                             " (target.url redacted) is not usable";
    std::cerr << "wsloadgen: cannot run: " << problem << "\n";
    return kExitCannotProceed;
  }
  for (const auto& header : profile.target.headers) target.headers.emplace_back(header.name, header.value);

  const unsigned workers = worker_count(profile);
  std::vector<std::unique_ptr<Worker>> pool;
  std::atomic<bool> interrupted{false};
  std::mutex pool_mutex;  // the signal thread reaches the workers only while they exist
  SignalWatcher signals([&](int count) {
    interrupted = true;
    const StopRequest request = count == 1 ? StopRequest::drain : StopRequest::abort;
    if (count == 1) std::cerr << "\nwsloadgen: interrupted: closing open connections (again to abort)\n";
    std::lock_guard<std::mutex> lock(pool_mutex);
    for (auto& worker : pool) worker->request_stop(request);
  });

  const int fds_before = count_open_fds();
  // A common start a little ahead, so every worker's schedule begins at the same instant.
  const int64_t start_ns = monotonic_now_ns() + 20'000'000;
  for (unsigned i = 0; i < workers; ++i) {
    Share share{command.shard_index, command.shard_count, i, workers};
    std::lock_guard<std::mutex> lock(pool_mutex);
    pool.push_back(std::make_unique<Worker>(profile, target, share, start_ns));
    if (!pool.back()->init(&error)) {
      std::cerr << "wsloadgen: cannot run: " << error << "\n";
      return kExitCannotProceed;
    }
  }
  // A signal that arrived while the pool was being built must still stop every worker.
  if (signals.count() > 0)
    for (auto& worker : pool) worker->request_stop(signals.count() == 1 ? StopRequest::drain : StopRequest::abort);

  std::vector<std::thread> threads;
  for (auto& worker : pool) threads.emplace_back([&worker] { worker->run(); });
  for (auto& thread : threads) thread.join();
  const int64_t end_ns = monotonic_now_ns();

  RunSummary summary;
  summary.profile_name = profile.name;
  if (profile.target.url.empty()) summary.target = "embedded server " + target.url.to_string();
  else summary.target = profile.target.url_secret ? "<redacted: target.url uses ${VAR}>" : target.url.to_string();
  summary.elapsed = Duration(end_ns - start_ns);
  summary.workers = workers;
  summary.cycles_completed = interrupted ? 0 : profile.cycles;
  summary.interrupted = interrupted;
  for (const auto& worker : pool) summary.stats.merge(worker->stats());
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    pool.clear();  // destroys the lws contexts: every socket of the run must be gone after this
  }
  summary.generator_fds_before = fds_before;
  summary.generator_fds_after = count_open_fds();

  const std::vector<CheckResult> checks = evaluate_threshold_checks(profile.checks, summary.stats);
  bool all_passed = true;
  for (const auto& check : checks) {
    summary.check_lines.push_back(check.line());
    all_passed = all_passed && check.passed;
  }
  summary.verdict = interrupted ? "INTERRUPTED" : (all_passed ? "PASS" : "FAIL");
  if (embedded.pid() > 0) {
    const std::string account = embedded.stop();
    if (!account.empty()) std::cout << "embedded server saw: " << account << "\n";
  }
  std::cout << render_summary(summary) << std::flush;
  if (interrupted) return kExitInterrupted;
  return all_passed ? kExitPassed : kExitCheckFailed;
}

}  // namespace wsl
