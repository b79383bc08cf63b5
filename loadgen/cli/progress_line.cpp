// The one-line live status of a run: elapsed, phase, active, open/close rates by pattern, errors, server fds/RSS.
#include "cli/progress_line.hpp"

#include <cmath>

#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

std::string per_second(uint64_t now, uint64_t before, Duration over) {
  const double seconds = double(over.count()) / 1e9;
  const double rate = seconds > 0 && now >= before ? double(now - before) / seconds : 0;
  return "+" + std::to_string(std::llround(rate)) + "/s";
}

}  // namespace

std::string progress_line(const ProgressView& v) {
  std::string line = human_duration(v.elapsed);
  if (!v.search) line += " cycle " + std::to_string(v.cycle) + "/" + std::to_string(v.cycles);
  if (!v.phase.empty()) line += " " + v.phase;
  line += " | active " + std::to_string(v.now.active);
  line += " | opened " + std::to_string(v.now.connections_opened) + " " +
          per_second(v.now.connections_opened, v.before.connections_opened, v.since_before);
  uint64_t closed = 0, closed_before = 0;
  std::string by_pattern;
  for (int i = 0; i < kClosePatternCount; ++i) {
    closed += v.now.closes_started[i];
    closed_before += v.before.closes_started[i];
    const uint64_t recent = v.now.closes_started[i] - std::min(v.now.closes_started[i], v.before.closes_started[i]);
    if (recent > 0)
      by_pattern += (by_pattern.empty() ? "" : ", ") + std::string(to_string(ClosePattern(i))) + " " +
                    std::to_string(recent);
  }
  line += " | closed " + std::to_string(closed) + " " + per_second(closed, closed_before, v.since_before);
  if (!by_pattern.empty()) line += " (" + by_pattern + ")";
  line += " | errors " + std::to_string(v.now.connect_errors);
  if (v.server_fds || v.server_rss_bytes) {
    line += " | server";
    if (v.server_fds) line += " fds " + std::to_string(std::llround(*v.server_fds));
    if (v.server_rss_bytes) line += " rss " + human_bytes(uint64_t(*v.server_rss_bytes));
  }
  return line;
}

}  // namespace wsl
