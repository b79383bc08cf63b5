// One `wsloadgen run` from a loaded profile: prepare, watch, run the cycles, judge, report.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/run_preparation.hpp"
#include "engine/worker_pool.hpp"
#include "monitor/monitor.hpp"
#include "monitor/reclaim_tracker.hpp"
#include "report/report_json.hpp"
#include "report/summary.hpp"
#include "verdict/leak_evidence.hpp"

namespace wsl {

class RunSession {
 public:
  RunSession(const Profile& profile, const Command& command);
  // Runs everything and returns the exit code (SPEC §1).
  int run();

 private:
  void on_signal(int count);        // signal thread
  std::string progress_text();      // progress thread
  int run_cycles();                 // kExitPassed, or kExitCannotProceed
  void collect_reclaims();
  RunReport judge();
  void add_leak_verdict(RunReport& report);
  void print_and_write(const RunReport& report);

  const Profile& profile_;
  const Command& command_;
  const unsigned workers_;

  std::atomic<bool> interrupted_{false};
  std::mutex pool_mutex_;  // the signal and progress threads reach the current pool only while it exists
  WorkerPool* current_pool_ = nullptr;
  StopRequest stop_level_ = StopRequest::none;

  PreparedRun prepared_;
  int64_t epoch_ns_ = 0;
  ReclaimTracker reclaims_;
  std::unique_ptr<Monitor> monitor_;

  std::atomic<uint32_t> current_cycle_{0};
  ProgressSnapshot previous_progress_;
  int64_t previous_progress_ns_ = 0;

  RunSummary summary_;
  SampleWindow baseline_;
  std::vector<SampleWindow> settled_;
};

}  // namespace wsl
