// What the run's other threads see of it: the progress line, the metrics view, the load series, the verdict so far.
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/progress_line.hpp"
#include "cli/run_session.hpp"
#include "engine/open_fd_count.hpp"
#include "metrics/run_identity.hpp"
#include "monitor/process_sample.hpp"
#include "vocabulary/monotonic_clock.hpp"

namespace wsl {
namespace {

// "settle" stands for every moment no phase runs: before the first, and between cycles (or search steps).
std::string phase_name(const std::vector<std::string>& phases, int32_t index) {
  if (index >= 0 && size_t(index) < phases.size()) return phases[size_t(index)];
  return "settle";
}

}  // namespace

int RunSession::start_telemetry() {
  run_id_ = profile_.metrics.run_id.empty() ? default_run_id(profile_.name, std::time(nullptr))
                                            : profile_.metrics.run_id;
  constant_labels_ = constant_labels(profile_.metrics, run_id_, command_.shard_index);
  std::string error;
  if (!telemetry_.start(profile_.metrics, run_id_, std::to_string(command_.shard_index),
                        [this](MetricsView& view) { fill_metrics_view(view); }, &error)) {
    std::cerr << "wsloadgen: cannot run: " << error << "\n";
    return kExitCannotProceed;
  }
  const Duration every = monitor_ ? profile_.monitor.interval : Duration(1s);
  load_recorder_ = std::make_unique<PeriodicTask>(every, [this] { record_load_point(); });
  return kExitPassed;
}

std::string RunSession::progress_text() {
  ProgressView view;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (current_pool_) view.now = current_pool_->progress();
    else view.phase = "settle";  // between cycles, or before the first
    if (view.now.phase_index >= 0) view.phase = phase_name(block_phases_, view.now.phase_index);
  }
  const int64_t now = monotonic_now_ns();
  view.elapsed = Duration(now - epoch_ns_);
  view.cycle = std::min(current_cycle_.load() + 1, profile_.cycles);
  view.cycles = profile_.cycles;
  view.search = profile_.capacity.has_value();
  view.before = previous_progress_;
  view.since_before = Duration(now - previous_progress_ns_);
  previous_progress_ = view.now;
  previous_progress_ns_ = now;
  if (auto sample = monitor_ ? monitor_->latest() : std::nullopt) {
    const auto values = resource_values(*sample);
    if (auto it = values.find("fds"); it != values.end()) view.server_fds = it->second;
    if (auto it = values.find("rss"); it != values.end()) view.server_rss_bytes = it->second;
  }
  return progress_line(view);
}

void RunSession::record_load_point() {
  LoadPoint point;
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    const RunStats& done = summary_.stats;  // finished cycles; the current pool adds its own counts
    ProgressSnapshot now;
    if (current_pool_) now = current_pool_->progress();
    point.phase = phase_name(block_phases_, current_pool_ ? now.phase_index : -1);
    point.active = now.active;
    point.connects_attempted = done.connects_attempted + now.connects_attempted;
    point.connections_opened = done.connections_opened + now.connections_opened;
    point.connect_errors = done.connect_error_total() + now.connect_errors;
    point.messages_sent = done.messages_sent + now.messages_sent;
    point.messages_received = done.messages_received + now.messages_received;
    for (int i = 0; i < kClosePatternCount; ++i)
      point.closes_started += done.patterns[i].started + now.closes_started[i];
  }
  point.at_ns = monotonic_now_ns() - epoch_ns_;
  point.cycle = std::min(current_cycle_.load() + 1, profile_.cycles);
  std::lock_guard<std::mutex> lock(view_mutex_);
  load_.push_back(std::move(point));
}

void RunSession::fill_metrics_view(MetricsView& view) {
  view.constant_labels = constant_labels_;
  view.version = WSLOADGEN_VERSION;
  view.profile_name = profile_.name;
  view.target = prepared_.target_label;
  for (const CloseChoice& choice : profile_.close.mix)
    if (choice.weight > 0) view.patterns.push_back(choice.pattern);
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    view.stats = summary_.stats;
    int32_t phase_index = -1;
    if (current_pool_) {
      current_pool_->add_published_stats(view.stats);
      const ProgressSnapshot now = current_pool_->progress();
      view.active = now.active;
      phase_index = now.phase_index;
    }
    view.phase = phase_name(block_phases_, phase_index);
    view.phases = phases_seen_;
    // Until the monitor's last check, the tracker holds the reclaim times measured so far.
    if (!reclaims_collected_) {
      for (int i = 0; i < kClosePatternCount; ++i)
        view.stats.patterns[i].server_reclaim_time = reclaims_.reclaim_time(ClosePattern(i));
    }
  }
  view.cycle = std::min(current_cycle_.load() + 1, profile_.cycles);
  view.elapsed_seconds = double(monotonic_now_ns() - epoch_ns_) / 1e9;
  {
    std::lock_guard<std::mutex> lock(view_mutex_);
    view.verdicts = verdicts_;
    view.checks = checks_;
    view.finished = finished_;
    view.steps = steps_;
    view.capacity = capacity_;
  }
  if (monitor_) view.target_sample = monitor_->latest();
  // Counted between the monitor's samples, which open fds of their own for a moment.
  view.generator_fds = monitor_ ? monitor_->between_samples(count_open_fds) : count_open_fds();
  view.generator_rss_bytes = process_rss_bytes(::getpid()).value_or(-1);
}

void RunSession::update_provisional_verdicts() {
  auto verdicts = judge_resources(collect_leak_evidence(monitor_->series(), baseline_, settled_), blocks_,
                                  profile_.checks.leak, monitor_->target_lost());
  std::lock_guard<std::mutex> lock(view_mutex_);
  verdicts_ = std::move(verdicts);
}

}  // namespace wsl
