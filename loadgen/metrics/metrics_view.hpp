// Everything the metrics endpoint shows, gathered at one moment: the input of the pure metric families.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity_result.hpp"
#include "monitor/resource_sample.hpp"
#include "profile/profile.hpp"
#include "stats/run_stats.hpp"
#include "verdict/leak_verdict.hpp"
#include "verdict/threshold_checks.hpp"

namespace wsl {

struct MetricsView {
  std::map<std::string, std::string> constant_labels;  // run_id, shard and the profile's metrics.labels
  std::string version;
  std::string profile_name;
  std::string target;                // redacted URL or "embedded server ..."
  std::vector<std::string> phases;   // every phase name, for the phase gauge's 0s
  std::string phase;                 // the phase running now, or "settle"
  uint32_t cycle = 1;
  double elapsed_seconds = 0;
  bool finished = false;

  std::vector<ClosePattern> patterns;  // patterns of the close mix: their series exist from the start, at 0
  int64_t active = 0;
  RunStats stats;                      // totals since the run started

  std::optional<ResourceSample> target_sample;  // the monitor's latest, if it watches anything
  std::vector<ResourceVerdict> verdicts;        // provisional after each cycle, final once finished
  std::vector<CheckResult> checks;              // only once finished
  std::vector<StepResult> steps;                // every finished step (phase, or search level), in order
  std::optional<CapacityResult> capacity;       // the sustained level so far

  int generator_fds = -1;          // -1: unknown
  int64_t generator_rss_bytes = -1;
};

}  // namespace wsl
