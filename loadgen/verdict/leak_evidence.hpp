// Cuts the monitor's time series into what the leak verdict compares: baseline and per-cycle settled samples.
#pragma once

#include <cstdint>
#include <vector>

#include "monitor/resource_sample.hpp"
#include "verdict/leak_verdict.hpp"

namespace wsl {

// A closed interval of the run's monotonic time, in ns from the run's start.
struct SampleWindow {
  int64_t from_ns = 0;
  int64_t to_ns = 0;
  bool contains(int64_t t) const { return t >= from_ns && t <= to_ns; }
};

// One ResourceSamples per resource seen in the baseline window, with its values in that window and in
// each cycle's settle window (cycles without samples of it get an empty list).
std::vector<ResourceSamples> collect_leak_evidence(const std::vector<ResourceSample>& series, SampleWindow baseline,
                                                   const std::vector<SampleWindow>& settled);

}  // namespace wsl
