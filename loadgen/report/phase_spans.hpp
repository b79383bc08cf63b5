// Where each phase ran on the run's time axis, read back from the load series, for shading report.html's charts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats/load_point.hpp"

namespace wsl {

struct PhaseSpan {
  int64_t from_ns = 0;
  int64_t to_ns = 0;
  uint32_t cycle = 1;
  std::string phase;  // the phase's name, or "settle" while no phase ran
  bool idle() const { return phase == "settle"; }
};

// One span per run of consecutive points with the same cycle and phase. The load series only sees a
// phase change at its next point, so a boundary is put halfway between the last point of one span and the
// first of the next (within half an interval of the truth). The first span starts at 0, because nothing
// runs before the first phase; the last ends at the last point. No points: no spans.
std::vector<PhaseSpan> phase_spans(const std::vector<LoadPoint>& load);

struct CycleStart {
  int64_t at_ns = 0;
  uint32_t cycle = 1;
};

// Where each cycle's first phase began: the first non-idle span of each cycle number.
std::vector<CycleStart> cycle_starts(const std::vector<PhaseSpan>& spans);

}  // namespace wsl
