// Auto-scaled, three-significant-digit formatting of durations and byte sizes.
#include "vocabulary/human_units.hpp"

#include <cstdio>

namespace wsl {

namespace {

// Three significant digits; callers switch units before `value` would round up to 1000.
std::string three_digits(double value, const char* unit) {
  char buf[48];
  if (value < 9.995) {
    std::snprintf(buf, sizeof buf, "%.2f%s", value, unit);
  } else if (value < 99.95) {
    std::snprintf(buf, sizeof buf, "%.1f%s", value, unit);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f%s", value, unit);
  }
  return buf;
}

// Rounds to whole seconds first so that 119.6 s shows as "2m00s", not "1m60s".
std::string minutes_and_hours(uint64_t ns) {
  const uint64_t seconds = (ns + 500'000'000) / 1'000'000'000;
  char buf[48];
  if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
  } else {
    const uint64_t minutes = (seconds + 30) / 60;
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(minutes / 60),
                  static_cast<unsigned long long>(minutes % 60));
  }
  return buf;
}

}  // namespace

std::string human_duration(Duration d) {
  if (d.count() < 0) {
    // Duration::min() has no positive counterpart; max() is one nanosecond off, which nobody will see.
    return "-" + human_duration(d == Duration::min() ? Duration::max() : -d);
  }
  const uint64_t ns = static_cast<uint64_t>(d.count());
  if (ns == 0) return "0s";
  if (ns < 1000) return std::to_string(ns) + "ns";
  const double v = static_cast<double>(ns);
  if (v < 999.5e3) return three_digits(v / 1e3, "µs");
  if (v < 999.5e6) return three_digits(v / 1e6, "ms");
  if (v < 59.95e9) return three_digits(v / 1e9, "s");
  return minutes_and_hours(ns);
}

std::string human_bytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + "B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  int unit = 0;
  while (value >= 999.5 && unit + 1 < static_cast<int>(std::size(kUnits))) {
    value /= 1024.0;
    ++unit;
  }
  return three_digits(value, kUnits[unit]);
}

}  // namespace wsl
