// timeseries.csv: the monitor's series, one row per sample and one column per resource.
#pragma once

#include <string>
#include <vector>

#include "monitor/resource_sample.hpp"

namespace wsl {

// Header `t_seconds,<resource>...` (every resource any sample had, sorted); an empty cell where a
// sample lacks a value.
std::string render_timeseries_csv(const std::vector<ResourceSample>& series);

}  // namespace wsl
