// The run's pass/fail checks besides the leak verdict (checks.handshake_*, dropped_by_server, the server alive).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "profile/profile.hpp"
#include "stats/run_stats.hpp"

namespace wsl {

struct CheckResult {
  std::string name;    // stable id, e.g. "handshake_error_ratio" (junit testcase name)
  bool passed = true;
  std::string detail;  // the numbers that decided it, e.g. "0.0012 > max 0.0010 (3 of 2500 failed)"

  std::string line() const;  // "PASS handshake_error_ratio: ..." for the summary
};

// handshake_error_ratio, handshake_p99 and dropped_by_server.
std::vector<CheckResult> evaluate_threshold_checks(const Checks& checks, const RunStats& stats);

// Open connections the server ended without a Close frame, against checks.dropped_by_server_max: a crash or a
// server that drops peers. Held patterns expect the server to end their connections and are not counted.
CheckResult dropped_by_server_check(const Checks& checks, const RunStats& stats);

// A monitored server process that exited or was replaced during the run fails it; `lost` says when and how.
CheckResult server_alive_check(const std::optional<std::string>& lost);

}  // namespace wsl
