// The run's pass/fail checks besides the leak verdict (checks.handshake_*, dropped_by_server, the server alive).
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
  results.push_back(dropped_by_server_check(checks, stats));
  return results;
}

CheckResult dropped_by_server_check(const Checks& checks, const RunStats& stats) {
  // Code 0: the server ended TCP with no Close frame. A Close frame with a code is a deliberate close.
  const auto it = stats.server_close_codes.find(0);
  const uint64_t dropped = it == stats.server_close_codes.end() ? 0 : it->second;
  const bool ok = dropped <= checks.dropped_by_server_max;
  std::string detail = std::to_string(dropped) + " open connections ended by the server without a Close frame" +
                       (ok ? " <= max " : " > max ") + std::to_string(checks.dropped_by_server_max);
  if (const uint64_t with_frame = stats.dropped_by_server - dropped; with_frame > 0)
    detail += " (" + std::to_string(with_frame) + " more closed by the server with a Close frame, not counted)";
  return {"dropped_by_server", ok, detail};
}

CheckResult server_alive_check(const std::optional<std::string>& lost) {
  if (lost) return {"server", false, *lost};
  return {"server", true, "the monitored server ran until the end"};
}

}  // namespace wsl
