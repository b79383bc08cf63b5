// `wsloadgen run`: loads the profile, prepares target and monitor, runs the cycles, judges, prints, picks the exit code.
#include "cli/run_command.hpp"

#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/exit_codes.hpp"
#include "cli/progress_line.hpp"
#include "cli/progress_reporter.hpp"
#include "cli/run_preparation.hpp"
#include "cli/signal_watcher.hpp"
#include "engine/monotonic_clock.hpp"
#include "engine/open_fd_count.hpp"
#include "engine/worker_pool.hpp"
#include "profile/load_profile.hpp"
#include "report/junit_xml.hpp"
#include "report/report_files.hpp"
#include "report/report_json.hpp"
#include "report/summary.hpp"
#include "report/timeseries_csv.hpp"
#include "verdict/leak_evidence.hpp"
#include "verdict/threshold_checks.hpp"
#include "verdict/verdict_lines.hpp"

namespace wsl {
namespace {

// Samples behind each median of the verdict: enough to ignore one spike, quick to take.
constexpr int kWindowSamples = 5;
constexpr Duration kWindowSpacing = 100ms;

bool is_headline_resource(const std::string& name) {
  return name == "fds" || name == "sockets" || name == "sockets.close_wait" || name == "rss" ||
         name.rfind("scrape:", 0) == 0;
}

unsigned worker_count(const Profile& profile) {
  if (profile.workers) return profile.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Takes a burst of samples and returns the window they span.
SampleWindow sample_window(Monitor& monitor, const std::atomic<bool>& interrupted) {
  SampleWindow window;
  for (int i = 0; i < kWindowSamples; ++i) {
    if (i > 0) std::this_thread::sleep_for(kWindowSpacing);
    const int64_t at = monitor.sample_now().at_ns;
    if (i == 0) window.from_ns = at;
    window.to_ns = at;
    if (interrupted) break;
  }
  return window;
}

// Waits `duration`, returning early on a signal.
void wait_interruptibly(Duration duration, const std::atomic<bool>& interrupted) {
  const int64_t until = monotonic_now_ns() + duration.count();
  while (!interrupted && monotonic_now_ns() < until) std::this_thread::sleep_for(20ms);
}

}  // namespace

int run_run_command(const Command& command) {
  ProfileLoadResult loaded = load_profile_file(command.profile_path, command.overrides, process_environment());
  if (!loaded.errors.empty()) {
    for (const auto& error : loaded.errors) std::cerr << error.to_string() << "\n";
    return kExitUsage;
  }
  const Profile profile = std::move(*loaded.profile);
  // From here on a signal stops the run in order instead of killing it, so reports still get written.
  std::atomic<bool> interrupted{false};
  std::mutex pool_mutex;  // the signal thread reaches the current pool only while it exists
  WorkerPool* current_pool = nullptr;
  StopRequest stop_level = StopRequest::none;
  SignalWatcher signals([&](int count) {
    interrupted = true;
    std::lock_guard<std::mutex> lock(pool_mutex);
    stop_level = count == 1 ? StopRequest::drain : StopRequest::abort;
    if (count == 1) std::cerr << "\nwsloadgen: interrupted: closing open connections (again to abort)\n";
    if (current_pool) current_pool->request_stop(stop_level);
  });

  // Accepted so profiles written for the metrics endpoint validate today; said out loud, never ignored.
  if (!command.metrics_listen.empty() || !profile.metrics.pushgateway.url.empty())
    std::cerr << "wsloadgen: note: this version does not serve Prometheus metrics yet (--metrics-listen, "
                 "metrics.pushgateway); the summary and report.json carry the results\n";

  PreparedRun prepared;
  if (int code = prepare_run(profile, command, &prepared); code != kExitPassed) return code;

  const int64_t epoch_ns = monotonic_now_ns();
  ReclaimTracker reclaims;
  std::unique_ptr<Monitor> monitor = start_monitor(profile, prepared, epoch_ns, &reclaims);

  const unsigned workers = worker_count(profile);
  std::atomic<uint32_t> current_cycle{0};
  ProgressSnapshot previous;
  int64_t previous_ns = epoch_ns;
  ProgressReporter progress(command.progress, [&] {
    ProgressView view;
    {
      std::lock_guard<std::mutex> lock(pool_mutex);
      if (current_pool) view.now = current_pool->progress();
      else view.phase = "settle";  // between cycles, or before the first
    }
    const int64_t now = monotonic_now_ns();
    view.elapsed = Duration(now - epoch_ns);
    view.cycle = std::min(current_cycle.load() + 1, profile.cycles);
    view.cycles = profile.cycles;
    if (view.now.phase_index >= 0 && size_t(view.now.phase_index) < profile.phases.size())
      view.phase = profile.phases[size_t(view.now.phase_index)].name;
    view.before = previous;
    view.since_before = Duration(now - previous_ns);
    previous = view.now;
    previous_ns = now;
    if (auto sample = monitor ? monitor->latest() : std::nullopt) {
      const auto values = resource_values(*sample);
      if (auto it = values.find("fds"); it != values.end()) view.server_fds = it->second;
      if (auto it = values.find("rss"); it != values.end()) view.server_rss_bytes = it->second;
    }
    return progress_line(view);
  });

  SampleWindow baseline;
  if (monitor) baseline = sample_window(*monitor, interrupted);
  auto own_fds = [&] { return monitor ? monitor->between_samples(count_open_fds) : count_open_fds(); };
  const int fds_before = own_fds();

  // Each cycle is one pass over the phases, then a settle; identical cycles make the trend comparable.
  Profile one_cycle = profile;
  one_cycle.cycles = 1;
  RunSummary summary;
  std::vector<SampleWindow> settled;
  const int64_t start_ns = monotonic_now_ns();
  for (uint32_t cycle = 0; cycle < profile.cycles && !interrupted; ++cycle) {
    WorkerPool pool(one_cycle, prepared.target, command.shard_index, command.shard_count, workers);
    if (monitor && monitor->target().port) pool.set_reclaim_tracker(&reclaims);
    std::string error;
    if (!pool.init(&error)) {
      std::cerr << "wsloadgen: cannot run: " << error << "\n";
      return kExitCannotProceed;
    }
    {
      std::lock_guard<std::mutex> lock(pool_mutex);
      current_pool = &pool;
      if (stop_level != StopRequest::none) pool.request_stop(stop_level);
    }
    // A common start a little ahead, so every worker's schedule begins at the same instant.
    summary.stats.merge(pool.run(monotonic_now_ns() + 20'000'000));
    {
      std::lock_guard<std::mutex> lock(pool_mutex);
      current_pool = nullptr;
    }
    pool.release();  // every socket of the cycle is closed before the server is judged
    if (interrupted) break;
    ++summary.cycles_completed;
    current_cycle = summary.cycles_completed;
    if (monitor) {
      wait_interruptibly(profile.checks.leak.settle - kWindowSpacing * (kWindowSamples - 1), interrupted);
      if (!interrupted) settled.push_back(sample_window(*monitor, interrupted));
    }
  }
  const int64_t end_ns = monotonic_now_ns();
  progress.stop();
  summary.generator_fds_before = fds_before;
  summary.generator_fds_after = own_fds();
  if (monitor) {
    monitor->stop();
    const ReclaimResults reclaimed = monitor->finish_reclaims();
    for (int i = 0; i < kClosePatternCount; ++i)
      summary.stats.patterns[i].server_reclaim_time.merge(reclaimed.reclaim_time[i]);
    summary.stats.reclaim_stuck = reclaimed.stuck_by_state;
  }

  summary.profile_name = profile.name;
  summary.target = prepared.target_label;
  summary.elapsed = Duration(end_ns - start_ns);
  summary.workers = workers;
  summary.interrupted = interrupted;
  RunReport report;
  report.profile = &profile;
  report.summary = &summary;
  report.checks = evaluate_threshold_checks(profile.checks, summary.stats);
  bool all_passed = true;
  for (const auto& check : report.checks) {
    summary.check_lines.push_back(check.line());
    all_passed = all_passed && check.passed;
  }
  if (monitor) {
    report.monitored = true;
    report.series = monitor->series();
    report.baseline = baseline;
    report.settled = settled;
    report.verdicts = judge_resources(collect_leak_evidence(report.series, baseline, settled), profile.checks.leak,
                                      monitor->target_lost());
    report.overall_leak_verdict = to_string(overall_verdict(report.verdicts));
    // One screen: every resource that did not pass, and the headline ones even when they did;
    // the overall line still counts them all.
    std::vector<ResourceVerdict> shown;
    for (const auto& v : report.verdicts)
      if (v.verdict != Verdict::pass || is_headline_resource(v.resource)) shown.push_back(v);
    for (const auto& line : verdict_lines(shown)) summary.check_lines.push_back(line);
    if (std::string problem = monitor->scrape_problem(); !problem.empty())
      summary.check_lines.push_back("INCONCLUSIVE " + problem);
    summary.check_lines.push_back(overall_verdict_line(report.verdicts));
    all_passed = all_passed && !fails_run(overall_verdict(report.verdicts));
  } else {
    report.overall_leak_verdict = "not monitored";
    summary.check_lines.push_back("leak verdict: not monitored (" + prepared.monitor_note + ")");
  }
  summary.verdict = interrupted ? "INTERRUPTED" : (all_passed ? "PASS" : "FAIL");
  report.exit_code = interrupted ? kExitInterrupted : (all_passed ? kExitPassed : kExitCheckFailed);
  if (prepared.embedded) {
    const std::string account = prepared.embedded->stop();
    if (!account.empty()) std::cout << "embedded server saw: " << account << "\n";
  }
  // Reports are written whatever happened, an interrupted run included.
  std::string written = write_report_file(profile.report.dir, "report.json", render_report_json(report));
  if (written.empty()) written = write_report_file(profile.report.dir, "junit.xml", render_junit_xml(report));
  if (written.empty())
    written = write_report_file(profile.report.dir, "timeseries.csv", render_timeseries_csv(report.series));
  std::cout << render_summary(summary);
  if (written.empty())
    std::cout << "reports: " << profile.report.dir << " (report.json, junit.xml, timeseries.csv)\n";
  else std::cerr << "wsloadgen: " << written << "\n";
  std::cout << std::flush;
  return report.exit_code;
}

}  // namespace wsl
