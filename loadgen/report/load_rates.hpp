// Per-second rates of the generator's actions, from the differences between neighbouring load points.
#pragma once

#include <cstdint>
#include <vector>

#include "stats/load_point.hpp"

namespace wsl {

struct LoadRate {
  int64_t at_ns = 0;  // the end of the interval the rate is over (as a Prometheus rate() is placed)
  double opened_per_s = 0;
  double closes_per_s = 0;
  double errors_per_s = 0;
  double messages_per_s = 0;  // sent
};

// One rate per pair of neighbouring points; pairs without time between them are skipped. The counters are
// totals since the run began, so a rate is never negative unless the recorder is wrong.
std::vector<LoadRate> load_rates(const std::vector<LoadPoint>& load);

}  // namespace wsl
