// The run's pass/fail checks on what the generator measured (checks.handshake_*), as plain values.
#pragma once

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

std::vector<CheckResult> evaluate_threshold_checks(const Checks& checks, const RunStats& stats);

}  // namespace wsl
