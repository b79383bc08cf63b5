// One `wsloadgen run` from a loaded profile: prepare, watch, run the cycles, judge, report.
#include "cli/run_session.hpp"

#include <algorithm>
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
#include "plan/capacity_steps.hpp"
#include "verdict/reap_check.hpp"
#include "verdict/threshold_checks.hpp"
#include "verdict/verdict_lines.hpp"
#include "vocabulary/close_pattern.hpp"
#include "vocabulary/monotonic_clock.hpp"

namespace wsl {
namespace {

// How often the second half of a settle is sampled: every sample there goes into the block's level.
constexpr Duration kSettleSampleSpacing = 100ms;
// The baseline before load: enough samples to ignore one spike, quick to take.
constexpr int kBaselineSamples = 5;

bool is_headline_resource(const std::string& name) {
  return name == "fds" || name == "sockets" || name == "sockets.close_wait" || name == "rss" ||
         name.rfind("scrape:", 0) == 0 || name.rfind("reap.", 0) == 0;
}

unsigned worker_count(const Profile& profile) {
  if (profile.workers) return profile.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Samples every kSettleSampleSpacing from now until `until_ns` (at least `at_least` samples) and returns the window.
SampleWindow sample_until(Monitor& monitor, int64_t until_ns, int at_least, const std::atomic<bool>& interrupted) {
  SampleWindow window;
  for (int i = 0;; ++i) {
    const int64_t at = monitor.sample_now().at_ns;
    if (i == 0) window.from_ns = at;
    window.to_ns = at;
    if (interrupted || (i + 1 >= at_least && monotonic_now_ns() + kSettleSampleSpacing.count() > until_ns)) break;
    std::this_thread::sleep_for(kSettleSampleSpacing);
  }
  return window;
}

}  // namespace

RunSession::RunSession(const Profile& profile, const Command& command)
    : profile_(profile), command_(command), workers_(worker_count(profile)) {
  // Every phase's series exists from the start at 0; a search names its steps as it goes.
  for (const Phase& phase : profile.phases) phases_seen_.push_back(phase.name);
}

int RunSession::run() {
  // From here on a signal stops the run in order instead of killing it, so reports still get written.
  SignalWatcher signals([this](int count) { on_signal(count); });
  if (int code = prepare_run(profile_, command_, &prepared_); code != kExitPassed) return code;
  epoch_ns_ = previous_progress_ns_ = monotonic_now_ns();
  monitor_ = start_monitor(profile_, prepared_, epoch_ns_, &reclaims_);
  if (int code = start_telemetry(); code != kExitPassed) return code;
  ProgressReporter progress(command_.progress, [this] { return progress_text(); });

  if (monitor_) baseline_ = sample_until(*monitor_, 0, kBaselineSamples, interrupted_);
  auto own_fds = [this] { return monitor_ ? monitor_->between_samples(count_open_fds) : count_open_fds(); };
  summary_.generator_fds_before = own_fds();
  const int64_t start_ns = monotonic_now_ns();
  if (int code = run_blocks(); code != kExitPassed) return code;
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
  const std::string unwritten = print_and_write(report);
  // Another signal while lingering ends the linger at once.
  telemetry_.finish([this, seen = signals_.load()] { return signals_.load() > seen; });
  // A report that could not be written is evidence lost: never a green run.
  if (!unwritten.empty() && report.exit_code == kExitPassed) return kExitCannotProceed;
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

std::optional<RunSession::BlockRun> RunSession::run_block(const Profile& block_profile) {
  WorkerPool pool(block_profile, prepared_.target, command_.shard_index, command_.shard_count, workers_);
  if (monitor_ && monitor_->target().port) pool.set_reclaim_tracker(&reclaims_);
  std::string error;
  if (!pool.init(&error)) {
    std::cerr << "wsloadgen: cannot run: " << error << "\n";
    return std::nullopt;
  }
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    current_pool_ = &pool;
    block_phases_.clear();
    for (const Phase& phase : block_profile.phases) {
      block_phases_.push_back(phase.name);
      if (std::find(phases_seen_.begin(), phases_seen_.end(), phase.name) == phases_seen_.end())
        phases_seen_.push_back(phase.name);
    }
    if (stop_level_ != StopRequest::none) pool.request_stop(stop_level_);
  }
  // A common start a little ahead, so every worker's schedule begins at the same instant.
  BlockRun ran;
  const int64_t start_ns = monotonic_now_ns() + 20'000'000;
  ran.start_ns = start_ns - epoch_ns_;
  ran.stats = pool.run(start_ns);
  ran.phases = pool.phase_stats();
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    summary_.stats.merge(ran.stats);
    current_pool_ = nullptr;
  }
  pool.release();  // every socket of the block is closed before the server is judged
  return ran;
}

int RunSession::run_blocks() {
  if (profile_.capacity) return run_search();
  // Each block is one pass over the phases (with attribution, one pattern alone), then a settle; identical
  // blocks make the levels after them comparable.
  for (const BlockPlan& block : plan_blocks(profile_)) {
    if (interrupted_) break;
    const Profile profile_of_block = block_profile(profile_, block);  // the pool's schedule reads it
    const std::optional<BlockRun> ran = run_block(profile_of_block);
    if (!ran) return kExitCannotProceed;
    record_phase_steps(profile_of_block, block, *ran);
    if (interrupted_) break;
    if (block.last_of_cycle) current_cycle_ = ++summary_.cycles_completed;
    if (monitor_) settle_after(block, ran->stats);
  }
  return kExitPassed;
}

void RunSession::record_phase_steps(const Profile& block_profile, const BlockPlan& block, const BlockRun& ran) {
  const std::vector<double> levels = planned_levels(block_profile.phases);
  const std::vector<ResourceSample> series = monitor_ ? monitor_->series() : std::vector<ResourceSample>{};
  for (size_t i = 0; i < ran.phases.size(); ++i) {
    const PhaseStats& phase = ran.phases[i];
    if (phase.phase_index >= block_profile.phases.size()) continue;
    StepFrame frame;
    frame.name = block_profile.phases[phase.phase_index].name;
    if (block.pattern) frame.name += " [" + std::string(to_string(*block.pattern)) + "]";
    frame.cycle = block.cycle + 1;
    frame.level = levels[phase.phase_index];
    frame.start_ns = ran.start_ns + phase.start.count();
    frame.end_ns = ran.start_ns + phase.end.count();
    StepResult step = measure_step(frame, phase, series);
    // The phase a signal cut short says nothing about what the server sustains.
    step.completed = !(interrupted_ && i + 1 == ran.phases.size());
    judge_step(step, profile_.checks);
    add_step(std::move(step));
  }
}

void RunSession::add_step(StepResult step) {
  std::lock_guard<std::mutex> lock(view_mutex_);
  steps_.push_back(std::move(step));
  if (!profile_.capacity) capacity_ = stepped_capacity(steps_);
}

void RunSession::settle_after(const BlockPlan& block, const RunStats& block_stats) {
  // The first half of the settle lets the server finish its closes; every sample of the second half goes into
  // the block's level, so a GC heap's sawtooth averages out instead of deciding the verdict.
  const int64_t end_ns = monotonic_now_ns() + profile_.checks.leak.settle.count();
  wait_unless(profile_.checks.leak.settle / 2, [this] { return interrupted_.load(); });
  if (interrupted_) return;
  settled_.push_back(sample_until(*monitor_, end_ns, kBaselineSamples, interrupted_));
  LoadBlock load;
  load.cycle = block.cycle;
  load.group = block.pattern ? to_string(*block.pattern) : "all";
  load.warmup = block.warmup;
  load.held = block.pattern && describe(*block.pattern).held;
  load.flush = block.flush;
  // Every shard runs the same share of the same schedule against the same server, so the server saw about
  // shard_count times this shard's closes.
  for (const PatternStats& p : block_stats.patterns) load.connections_closed += double(p.started);
  load.connections_closed *= command_.shard_count;
  blocks_.push_back(load);
  update_provisional_verdicts();
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
  // A search runs past the server's limit on purpose: its thresholds judge each step, not the whole run.
  if (!profile_.capacity) report.checks = evaluate_threshold_checks(profile_.checks, summary_.stats);
  {
    std::lock_guard<std::mutex> lock(view_mutex_);
    summary_.steps = steps_;
    summary_.capacity = capacity_;
  }
  if (profile_.checks.capacity_min)
    report.checks.push_back(
        capacity_min_check(*profile_.checks.capacity_min, summary_.capacity.value_or(CapacityResult{})));
  if (monitor_ && monitor_->target().pid) report.checks.push_back(server_alive_check(server_ending()));
  for (const auto& check : report.checks) summary_.check_lines.push_back(check.line());
  add_leak_verdict(report);
  bool passed = !fails_run(overall_verdict(report.verdicts));
  for (const auto& check : report.checks) passed = passed && check.passed;
  summary_.verdict = interrupted_ ? "INTERRUPTED" : (passed ? "PASS" : "FAIL");
  report.exit_code = interrupted_ ? kExitInterrupted : (passed ? kExitPassed : kExitCheckFailed);
  return report;
}

void RunSession::add_leak_verdict(RunReport& report) {
  // Dead peers are judged from what the generator saw of each held connection: no monitor needed.
  std::vector<ResourceVerdict> reaps = judge_reaps(summary_.stats, profile_.checks.reap, interrupted_);
  if (!monitor_) {
    report.monitor_note = prepared_.monitor_note;
    summary_.check_lines.push_back("leak verdict: not monitored (" + prepared_.monitor_note + ")");
    report.overall_leak_verdict = "not monitored";
    if (reaps.empty()) return;
    report.verdicts = std::move(reaps);
    for (const auto& line : verdict_lines(report.verdicts)) summary_.check_lines.push_back(line);
    report.overall_leak_verdict = to_string(overall_verdict(report.verdicts));
    summary_.check_lines.push_back(overall_verdict_line(report.verdicts));
    return;
  }
  report.monitored = true;
  report.series = monitor_->series();
  report.baseline = baseline_;
  report.settled = settled_;
  report.blocks = blocks_;
  report.verdicts = judge_resources(collect_leak_evidence(report.series, baseline_, settled_), blocks_,
                                    profile_.checks.leak, monitor_->target_lost());
  for (ResourceVerdict& reap : reaps) report.verdicts.push_back(std::move(reap));
  report.overall_leak_verdict = to_string(overall_verdict(report.verdicts));
  // One screen: every resource that did not pass, and the headline ones even when they did; when the server is
  // gone every resource says so, and the headline ones are enough. The overall line still counts them all.
  const bool server_gone = monitor_->target_lost().has_value();
  std::vector<ResourceVerdict> shown;
  for (const auto& v : report.verdicts)
    if ((v.verdict != Verdict::pass && !server_gone) || is_headline_resource(v.resource)) shown.push_back(v);
  for (const auto& line : verdict_lines(shown)) summary_.check_lines.push_back(line);
  for (const auto& line : pattern_lines(report.verdicts)) summary_.check_lines.push_back(line);
  if (std::string problem = monitor_->scrape_problem(); !problem.empty())
    summary_.check_lines.push_back("INCONCLUSIVE " + problem);
  summary_.check_lines.push_back(overall_verdict_line(report.verdicts));
}

std::optional<std::string> RunSession::server_ending() {
  std::optional<std::string> lost = monitor_->target_lost();
  if (!lost) return lost;
  // Our own child can tell how it ended; any other process only that it is gone.
  if (prepared_.embedded)
    if (std::optional<std::string> how = prepared_.embedded->how_it_ended()) *lost += " (" + *how + ")";
  return lost;
}

std::string RunSession::print_and_write(const RunReport& report) {
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
  return failed;
}

}  // namespace wsl
