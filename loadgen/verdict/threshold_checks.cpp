// The run's pass/fail checks on what the generator measured (checks.handshake_*), as plain values.
#include "verdict/threshold_checks.hpp"

#include <cstdio>

#include "vocabulary/human_units.hpp"

namespace wsl {

std::string CheckResult::line() const { return std::string(passed ? "PASS " : "FAIL ") + name + ": " + detail; }

std::vector<CheckResult> evaluate_threshold_checks(const Checks& checks, const RunStats& stats) {
  std::vector<CheckResult> results;

  const uint64_t failed = stats.connect_error_total();
  const uint64_t attempted = stats.connects_attempted;
  const double ratio = attempted ? double(failed) / double(attempted) : 0.0;
  char text[160];
  std::snprintf(text, sizeof text, "%.4f %s max %.4f (%llu of %llu connections failed)", ratio,
                ratio <= checks.handshake_error_ratio_max ? "<=" : ">", checks.handshake_error_ratio_max,
                static_cast<unsigned long long>(failed), static_cast<unsigned long long>(attempted));
  results.push_back({"handshake_error_ratio", ratio <= checks.handshake_error_ratio_max, text});

  // Connections that abort their handshake on purpose are not meant to complete one.
  const uint64_t meant_to_complete = attempted - stats.patterns[int(ClosePattern::handshake_abort)].started;
  if (stats.handshake_latency.count() == 0) {
    if (meant_to_complete == 0)
      results.push_back({"handshake_p99", true, "no handshake was meant to complete (every connection aborted it)"});
    else
      results.push_back({"handshake_p99", false, "no handshake completed"});
  } else {
    const Duration p99 = stats.handshake_latency.quantile(0.99);
    const bool ok = p99 <= checks.handshake_p99_max;
    results.push_back({"handshake_p99", ok,
                       human_duration(p99) + (ok ? " <= max " : " > max ") + human_duration(checks.handshake_p99_max)});
  }
  return results;
}

}  // namespace wsl
