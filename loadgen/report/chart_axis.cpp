// Axes of report.html's charts: a value range rounded to readable ticks, and tick labels in the axis's unit.
#include "report/chart_axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wsl {
namespace {

// Float noise must not push 2.0000000001 up to the next nice step.
constexpr double kSlack = 1e-9;

// 1, 2 or 5 times a power of ten, the smallest at least `raw`.
double nice_decimal_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  for (double nice : {1.0, 2.0, 5.0})
    if (fraction <= nice * (1 + kSlack)) return nice * magnitude;
  return 10 * magnitude;
}

// Seconds are read on a clock: 15s and 30s steps, whole minutes and hours, rather than 20s or 50m.
double nice_time_step(double raw) {
  if (raw < 1) return nice_decimal_step(raw);
  constexpr double kSteps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  for (double step : kSteps)
    if (raw <= step * (1 + kSlack)) return step;
  return 86400 * nice_decimal_step(raw / 86400);
}

// The binary unit a byte axis is written in, chosen by the largest magnitude on it.
struct ByteUnit {
  double size;
  const char* suffix;
};

ByteUnit byte_unit_for(double magnitude) {
  constexpr ByteUnit kUnits[] = {{1, "B"}, {1024.0, "KiB"}, {1048576.0, "MiB"}, {1073741824.0, "GiB"},
                                 {1099511627776.0, "TiB"}};
  ByteUnit chosen = kUnits[0];
  for (const ByteUnit& unit : kUnits)
    if (magnitude >= unit.size) chosen = unit;
  return chosen;
}

int decimals_for(double step) {
  if (step >= 1 - kSlack) return 0;
  return std::clamp(int(std::ceil(-std::log10(step) - kSlack)), 0, 9);
}

std::string fixed(double value, int decimals) {
  if (std::fabs(value) < 1e-12) value = 0;  // never print "-0"
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Large counts get a k or M suffix, chosen once for the whole axis so its labels read alike.
std::string count_label(double value, double step, double axis_magnitude) {
  if (std::fabs(value) < step * kSlack) return "0";  // "0k" reads oddly
  if (axis_magnitude >= 1e6 && step >= 1e5 - kSlack) return fixed(value / 1e6, decimals_for(step / 1e6)) + "M";
  if (axis_magnitude >= 1e4 && step >= 1e2 - kSlack) return fixed(value / 1e3, decimals_for(step / 1e3)) + "k";
  return fixed(value, decimals_for(step));
}

std::string time_label(double seconds, double step) {
  if (step < 1 - kSlack) return fixed(seconds, decimals_for(step)) + "s";
  const long total = std::lround(seconds);
  const char* sign = total < 0 ? "-" : "";
  const long t = std::labs(total);
  char text[48];
  if (t < 60) std::snprintf(text, sizeof text, "%s%lds", sign, t);
  else if (t < 3600 && t % 60 == 0) std::snprintf(text, sizeof text, "%s%ldm", sign, t / 60);
  else if (t < 3600) std::snprintf(text, sizeof text, "%s%ldm%02lds", sign, t / 60, t % 60);
  else if (t % 3600 == 0) std::snprintf(text, sizeof text, "%s%ldh", sign, t / 3600);
  else std::snprintf(text, sizeof text, "%s%ldh%02ldm", sign, t / 3600, t % 3600 / 60);
  return text;
}

}  // namespace

AxisTicks nice_ticks(double lo, double hi, AxisUnit unit, int target_count) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= 0) {
    // A flat line still needs an axis: widen around it, keeping a non-negative range non-negative.
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    const bool non_negative = lo >= 0;
    lo -= pad;
    hi += pad;
    if (non_negative) lo = std::max(lo, 0.0);
  }
  const double raw = (hi - lo) / std::max(1, target_count);
  double step;
  if (unit == AxisUnit::seconds) {
    step = nice_time_step(raw);
  } else if (unit == AxisUnit::bytes) {
    const double size = byte_unit_for(std::max(std::fabs(lo), std::fabs(hi))).size;
    step = nice_decimal_step(raw / size) * size;
  } else {
    step = nice_decimal_step(raw);
    if (unit == AxisUnit::count) step = std::max(step, 1.0);
  }
  AxisTicks ticks;
  ticks.step = step;
  ticks.lo = std::floor(lo / step + kSlack) * step;
  ticks.hi = std::ceil(hi / step - kSlack) * step;
  const long count = std::lround((ticks.hi - ticks.lo) / step);
  for (long i = 0; i <= count; ++i) ticks.values.push_back(ticks.lo + double(i) * step);
  return ticks;
}

std::vector<std::string> tick_labels(const AxisTicks& ticks, AxisUnit unit) {
  const double magnitude = std::max(std::fabs(ticks.lo), std::fabs(ticks.hi));
  const ByteUnit bytes = byte_unit_for(magnitude);
  std::vector<std::string> labels;
  for (double value : ticks.values) {
    switch (unit) {
      case AxisUnit::seconds: labels.push_back(time_label(value, ticks.step)); break;
      case AxisUnit::bytes:
        labels.push_back(fixed(value / bytes.size, decimals_for(ticks.step / bytes.size)) + " " + bytes.suffix);
        break;
      case AxisUnit::count:
      case AxisUnit::rate: labels.push_back(count_label(value, ticks.step, magnitude)); break;
    }
  }
  return labels;
}

}  // namespace wsl
