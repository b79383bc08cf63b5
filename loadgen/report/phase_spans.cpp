// Where each phase ran on the run's time axis, read back from the load series, for shading report.html's charts.
#include "report/phase_spans.hpp"

namespace wsl {

std::vector<PhaseSpan> phase_spans(const std::vector<LoadPoint>& load) {
  std::vector<PhaseSpan> spans;
  for (size_t i = 0; i < load.size(); ++i) {
    const LoadPoint& point = load[i];
    if (!spans.empty() && spans.back().cycle == point.cycle && spans.back().phase == point.phase) {
      spans.back().to_ns = point.at_ns;
      continue;
    }
    const int64_t from = spans.empty() ? 0 : load[i - 1].at_ns + (point.at_ns - load[i - 1].at_ns) / 2;
    if (!spans.empty()) spans.back().to_ns = from;
    spans.push_back({from, point.at_ns, point.cycle, point.phase});
  }
  return spans;
}

std::vector<CycleStart> cycle_starts(const std::vector<PhaseSpan>& spans) {
  std::vector<CycleStart> starts;
  for (const PhaseSpan& span : spans) {
    if (span.idle()) continue;
    if (starts.empty() || starts.back().cycle != span.cycle) starts.push_back({span.from_ns, span.cycle});
  }
  return starts;
}

}  // namespace wsl
