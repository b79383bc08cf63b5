// The one-line live status of a run: elapsed, phase, active, open/close rates by pattern, errors, server fds/RSS.
#pragma once

#include <optional>
#include <string>

#include "engine/live_counters.hpp"

namespace wsl {

struct ProgressView {
  Duration elapsed{};
  uint32_t cycle = 1;   // 1-based
  uint32_t cycles = 1;
  bool search = false;  // a capacity search: its steps (the phase names) are the run's course, not cycles
  std::string phase;    // empty before the first phase starts
  ProgressSnapshot now;
  ProgressSnapshot before;  // the previous line's, for rates
  Duration since_before{};
  std::optional<double> server_fds;
  std::optional<double> server_rss_bytes;
};

// e.g. "12.0s cycle 1/1 hold | active 20 | opened 40 +10/s | closed 20 +10/s (clean 6, rst 4) | errors 0 | server fds 48 rss 9.20MiB"
std::string progress_line(const ProgressView& view);

}  // namespace wsl
