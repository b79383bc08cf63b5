// Lifetime distributions: fixed, uniform between bounds, exponential with a mean.
#include "plan/lifetime.hpp"

#include <algorithm>
#include <cmath>

#include "plan/random_draw.hpp"

namespace wsl {
namespace {

Duration from_nanoseconds(double ns) {
  // Saturate rather than overflow for absurd means; the schedule treats such lifetimes as "never".
  constexpr double kMax = 9.0e18;
  return Duration(static_cast<int64_t>(std::llround(std::min(ns, kMax))));
}

}  // namespace

std::optional<Duration> draw_lifetime(const Lifetime& lifetime, uint64_t draw) {
  Duration drawn{};
  switch (lifetime.dist) {
    case Lifetime::Dist::none:
      return std::nullopt;
    case Lifetime::Dist::fixed:
      drawn = lifetime.mean;
      break;
    case Lifetime::Dist::uniform: {
      const Duration lo = std::min(lifetime.min, lifetime.max);
      const Duration hi = std::max(lifetime.min, lifetime.max);
      drawn = lo + from_nanoseconds(unit_interval(draw) * static_cast<double>((hi - lo).count()));
      break;
    }
    case Lifetime::Dist::exponential:
      // Inverse CDF; 1 - u lies in (0, 1], so the logarithm is finite.
      drawn = from_nanoseconds(-static_cast<double>(lifetime.mean.count()) * std::log(1.0 - unit_interval(draw)));
      break;
  }
  return std::max(drawn, kShortestLifetime);
}

}  // namespace wsl
