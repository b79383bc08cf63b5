// Axes of report.html's charts: a value range rounded to readable ticks, and tick labels in the axis's unit.
#pragma once

#include <string>
#include <vector>

namespace wsl {

enum class AxisUnit {
  count,    // connections, fds, sockets: "0", "250", "12k"
  rate,     // events per second: like count, fractions allowed
  bytes,    // "0 B", "512 KiB", "11.5 MiB" (binary units, as the profile's sizes)
  seconds,  // the time axis: "0s", "1.5s", "45s", "2m", "1m30s", "1h15m"
};

struct AxisTicks {
  double lo = 0;  // the axis range: the data's range widened to whole steps
  double hi = 1;
  double step = 1;
  std::vector<double> values;  // lo, lo+step, ... hi
};

// Ticks at 1, 2 or 5 times a power of ten (of the display unit for bytes; clock-friendly steps such as
// 15s, 1m, 5m for seconds), about `target_count` of them. An empty or one-value range is widened so the axis
// is never degenerate; counts never get steps below 1.
AxisTicks nice_ticks(double lo, double hi, AxisUnit unit, int target_count = 5);

// One label per tick, all in one display unit (chosen by the axis's largest magnitude), with as many
// decimals as the step needs and no more.
std::vector<std::string> tick_labels(const AxisTicks& ticks, AxisUnit unit);

// Maps a value range onto a pixel range (either may run backwards, as a y axis does on screen).
struct LinearScale {
  double domain_lo, domain_hi, range_lo, range_hi;
  double operator()(double value) const {
    if (domain_hi == domain_lo) return range_lo;
    return range_lo + (value - domain_lo) / (domain_hi - domain_lo) * (range_hi - range_lo);
  }
};

}  // namespace wsl
