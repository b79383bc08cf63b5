// One `wsloadgen run` from a loaded profile: prepare, watch, run the cycles, judge, report.
#include "cli/run_session.hpp"

#include <iostream>
#include <thread>

#include "cli/exit_codes.hpp"
#include "cli/interruptible_wait.hpp"
#include "cli/progress_line.hpp"
#include "cli/progress_reporter.hpp"
#include "cli/signal_watcher.hpp"
#include "engine/open_fd_count.hpp"
#include "report/html_report.hpp"
#include "report/junit_xml.hpp"
#include "report/report_files.hpp"
#include "report/timeseries_csv.hpp"
#include "verdict/threshold_checks.hpp"
#include "verdict/verdict_lines.hpp"
#include "vocabulary/monotonic_clock.hpp"

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

}  // namespace

RunSession::RunSession(const Profile& profile, const Command& command)
    : profile_(profile), command_(command), workers_(worker_count(profile)) {}

int RunSession::run() {
  // From here on a signal stops the run in order instead of killing it, so reports still get written.
  SignalWatcher signals([this](int count) { on_signal(count); });
  if (int code = prepare_run(profile_, command_, &prepared_); code != kExitPassed) return code;
  epoch_ns_ = previous_progress_ns_ = monotonic_now_ns();
  monitor_ = start_monitor(profile_, prepared_, epoch_ns_, &reclaims_);
  if (int code = start_telemetry(); code != kExitPassed) return code;
  ProgressReporter progress(command_.progress, [this] { return progress_text(); });

  if (monitor_) baseline_ = sample_window(*monitor_, interrupted_);
  auto own_fds = [this] { return monitor_ ? monitor_->between_samples(count_open_fds) : count_open_fds(); };
  summary_.generator_fds_before = own_fds();
  const int64_t start_ns = monotonic_now_ns();
  if (int code = run_cycles(); code != kExitPassed) return code;
  summary_.elapsed = Duration(monotonic_now_ns() - start_ns);
  progress.stop();
  load_recorder_->stop();
  summary_.generator_fds_after = own_fds();
  collect_reclaims();

  const RunReport report = judge();
  {
    std::lock_guard<std::mutex> lock(view_mutex_);
    verdicts_ = report.verdicts;
    checks_ = report.checks;
    finished_ = true;
  }
  print_and_write(report);
  // Another signal while lingering ends the linger at once.
  telemetry_.finish([this, seen = signals_.load()] { return signals_.load() > seen; });
  return report.exit_code;
}

void RunSession::on_signal(int count) {
  signals_ = count;
  interrupted_ = true;
  std::lock_guard<std::mutex> lock(pool_mutex_);
  stop_level_ = count == 1 ? StopRequest::drain : StopRequest::abort;
  if (count == 1) std::cerr << "\nwsloadgen: interrupted: closing open connections (again to abort)\n";
  if (current_pool_) current_pool_->request_stop(stop_level_);
}

int RunSession::run_cycles() {
  // Each cycle is one pass over the phases, then a settle; identical cycles make the trend comparable.
  Profile one_cycle = profile_;
  one_cycle.cycles = 1;
  for (uint32_t cycle = 0; cycle < profile_.cycles && !interrupted_; ++cycle) {
    WorkerPool pool(one_cycle, prepared_.target, command_.shard_index, command_.shard_count, workers_);
    if (monitor_ && monitor_->target().port) pool.set_reclaim_tracker(&reclaims_);
    std::string error;
    if (!pool.init(&error)) {
      std::cerr << "wsloadgen: cannot run: " << error << "\n";
      return kExitCannotProceed;
    }
    {
      std::lock_guard<std::mutex> lock(pool_mutex_);
      current_pool_ = &pool;
      if (stop_level_ != StopRequest::none) pool.request_stop(stop_level_);
    }
    // A common start a little ahead, so every worker's schedule begins at the same instant.
    const RunStats cycle_stats = pool.run(monotonic_now_ns() + 20'000'000);
    {
      std::lock_guard<std::mutex> lock(pool_mutex_);
      summary_.stats.merge(cycle_stats);
      current_pool_ = nullptr;
    }
    pool.release();  // every socket of the cycle is closed before the server is judged
    if (interrupted_) break;
    current_cycle_ = ++summary_.cycles_completed;
    if (monitor_) {
      wait_unless(profile_.checks.leak.settle - kWindowSpacing * (kWindowSamples - 1),
                  [this] { return interrupted_.load(); });
      if (!interrupted_) settled_.push_back(sample_window(*monitor_, interrupted_));
      update_provisional_verdicts();
    }
  }
  return kExitPassed;
}

void RunSession::collect_reclaims() {
  if (!monitor_) return;
  monitor_->stop();
  const ReclaimResults reclaimed = monitor_->finish_reclaims();
  std::lock_guard<std::mutex> lock(pool_mutex_);
  for (int i = 0; i < kClosePatternCount; ++i)
    summary_.stats.patterns[i].server_reclaim_time.merge(reclaimed.reclaim_time[i]);
  summary_.stats.reclaim_stuck = reclaimed.stuck_by_state;
  reclaims_collected_ = true;
}

RunReport RunSession::judge() {
  summary_.profile_name = profile_.name;
  summary_.target = prepared_.target_label;
  summary_.workers = workers_;
  summary_.interrupted = interrupted_;
  RunReport report;
  report.profile = &profile_;
  report.summary = &summary_;
  report.load = load_;  // the recorder has stopped: no lock needed
  report.checks = evaluate_threshold_checks(profile_.checks, summary_.stats);
  for (const auto& check : report.checks) summary_.check_lines.push_back(check.line());
  add_leak_verdict(report);
  bool passed = !fails_run(overall_verdict(report.verdicts));
  for (const auto& check : report.checks) passed = passed && check.passed;
  summary_.verdict = interrupted_ ? "INTERRUPTED" : (passed ? "PASS" : "FAIL");
  report.exit_code = interrupted_ ? kExitInterrupted : (passed ? kExitPassed : kExitCheckFailed);
  return report;
}

void RunSession::add_leak_verdict(RunReport& report) {
  if (!monitor_) {
    report.overall_leak_verdict = "not monitored";
    report.monitor_note = prepared_.monitor_note;
    summary_.check_lines.push_back("leak verdict: not monitored (" + prepared_.monitor_note + ")");
    return;
  }
  report.monitored = true;
  report.series = monitor_->series();
  report.baseline = baseline_;
  report.settled = settled_;
  report.verdicts = judge_resources(collect_leak_evidence(report.series, baseline_, settled_), profile_.checks.leak,
                                    monitor_->target_lost());
  report.overall_leak_verdict = to_string(overall_verdict(report.verdicts));
  // One screen: every resource that did not pass, and the headline ones even when they did;
  // the overall line still counts them all.
  std::vector<ResourceVerdict> shown;
  for (const auto& v : report.verdicts)
    if (v.verdict != Verdict::pass || is_headline_resource(v.resource)) shown.push_back(v);
  for (const auto& line : verdict_lines(shown)) summary_.check_lines.push_back(line);
  if (std::string problem = monitor_->scrape_problem(); !problem.empty())
    summary_.check_lines.push_back("INCONCLUSIVE " + problem);
  summary_.check_lines.push_back(overall_verdict_line(report.verdicts));
}

void RunSession::print_and_write(const RunReport& report) {
  if (prepared_.embedded) {
    const std::string account = prepared_.embedded->stop();
    if (!account.empty()) std::cout << "embedded server saw: " << account << "\n";
  }
  // Reports are written whatever happened, an interrupted run included.
  const std::string& dir = profile_.report.dir;
  std::string failed = write_report_file(dir, "report.json", render_report_json(report));
  if (failed.empty()) failed = write_report_file(dir, "junit.xml", render_junit_xml(report));
  if (failed.empty()) failed = write_report_file(dir, "timeseries.csv", render_timeseries_csv(report.series));
  if (failed.empty()) failed = write_report_file(dir, "report.html", render_html_report(report));
  std::cout << render_summary(summary_);
  if (failed.empty()) std::cout << "reports: " << dir << " (report.json, junit.xml, timeseries.csv, report.html)\n";
  else std::cerr << "wsloadgen: " << failed << "\n";
  std::cout << std::flush;
}

}  // namespace wsl
