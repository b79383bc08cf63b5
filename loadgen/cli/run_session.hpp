// One `wsloadgen run` from a loaded profile: prepare, watch, run the cycles, judge, report.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "capacity/capacity_result.hpp"
#include "capacity/step_result.hpp"
#include "cli/command_line.hpp"
#include "cli/periodic_task.hpp"
#include "cli/run_preparation.hpp"
#include "cli/run_telemetry.hpp"
#include "engine/worker_pool.hpp"
#include "monitor/monitor.hpp"
#include "monitor/reclaim_tracker.hpp"
#include "plan/leak_blocks.hpp"
#include "report/report_json.hpp"
#include "report/summary.hpp"
#include "stats/load_point.hpp"
#include "verdict/leak_evidence.hpp"

namespace wsl {

class RunSession {
 public:
  RunSession(const Profile& profile, const Command& command);
  // Runs everything and returns the exit code (docs/exit-codes.md).
  int run();

 private:
  void on_signal(int count);        // signal thread
  std::string progress_text();      // progress thread
  void fill_metrics_view(MetricsView& view);  // a scrape or a push, on their threads
  void record_load_point();         // the load recorder's thread
  int start_telemetry();            // kExitPassed, or kExitCannotProceed
  void update_provisional_verdicts();
  // One block of load: its pool from start to end, then released. nullopt: the workers could not be created.
  struct BlockRun {
    RunStats stats;
    std::vector<PhaseStats> phases;
    int64_t start_ns = 0;  // the schedule's time 0, from the run's epoch
  };
  std::optional<BlockRun> run_block(const Profile& block_profile);
  int run_blocks();                 // kExitPassed, or kExitCannotProceed
  int run_search();                 // likewise, for a capacity search (capacity_search.cpp)
  void record_phase_steps(const Profile& block_profile, const BlockPlan& block, const BlockRun& ran);
  void add_step(StepResult step);
  void settle_after(const BlockPlan& block, const RunStats& block_stats);
  void collect_reclaims();
  RunReport judge();
  void add_leak_verdict(RunReport& report);
  std::optional<std::string> server_ending();  // how the monitored server ended, if it did
  // Prints the summary and writes every report; the first report that could not be written, or "".
  std::string print_and_write(const RunReport& report);

  const Profile& profile_;
  const Command& command_;
  const unsigned workers_;

  std::atomic<bool> interrupted_{false};
  std::atomic<int> signals_{0};
  // The signal, progress and metrics threads reach the current pool only while it exists; the stats
  // of finished cycles move into summary_.stats under the same lock, so no reader counts them twice.
  std::mutex pool_mutex_;
  WorkerPool* current_pool_ = nullptr;
  bool reclaims_collected_ = false;  // summary_.stats holds the final reclaim times
  StopRequest stop_level_ = StopRequest::none;
  std::vector<std::string> block_phases_;  // the running block's phase names, by index
  std::vector<std::string> phases_seen_;   // every phase name so far, for the phase gauge's zeros

  PreparedRun prepared_;
  int64_t epoch_ns_ = 0;
  ReclaimTracker reclaims_;
  std::unique_ptr<Monitor> monitor_;

  std::atomic<uint32_t> current_cycle_{0};
  ProgressSnapshot previous_progress_;
  int64_t previous_progress_ns_ = 0;

  std::string run_id_;
  std::map<std::string, std::string> constant_labels_;

  std::mutex view_mutex_;  // what the metrics threads read besides the pool: the verdict so far, the load series
  std::vector<ResourceVerdict> verdicts_;
  std::vector<CheckResult> checks_;
  bool finished_ = false;
  std::vector<LoadPoint> load_;
  std::vector<StepResult> steps_;             // every step so far, in the order they ran
  std::optional<CapacityResult> capacity_;    // the sustained level so far

  RunSummary summary_;
  SampleWindow baseline_;
  std::vector<SampleWindow> settled_;  // per block of load that finished its settle
  std::vector<LoadBlock> blocks_;      // likewise

  // Last, so they are destroyed first: their threads read everything above.
  std::unique_ptr<PeriodicTask> load_recorder_;
  RunTelemetry telemetry_;
};

}  // namespace wsl
