// The end-of-run summary printed on stdout: one screen, readable by people and greppable by scripts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "capacity/capacity_result.hpp"
#include "profile/profile.hpp"
#include "stats/run_stats.hpp"

namespace wsl {

struct RunSummary {
  std::string profile_name;
  std::string target;          // URL, or "embedded server ws://127.0.0.1:PORT/"
  Duration elapsed{};
  unsigned workers = 0;
  uint32_t cycles_completed = 0;
  bool interrupted = false;
  RunStats stats;
  int generator_fds_before = -1;         // the generator's own open fds before the workers started
  int generator_fds_after = -1;          // ... and after they were torn down: equal when nothing leaked
  std::vector<StepResult> steps;          // one per phase run (or search level), in order
  std::optional<CapacityResult> capacity;  // the sustained level, once a step finished
  std::vector<std::string> check_lines;  // e.g. "PASS handshake error ratio 0.0000 <= 0.0010"; filled by others
  std::string verdict;                   // "PASS" / "FAIL" / "INTERRUPTED"
};

// Header, connections, messages, pings, server behaviour, closes by pattern (used patterns only), latencies,
// then the check lines and "verdict: X" as the last line. Every line ends with '\n'.
std::string render_summary(const RunSummary& s);

}  // namespace wsl
