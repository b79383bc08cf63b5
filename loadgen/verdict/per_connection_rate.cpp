// Growth per connection closed: pooled least squares through the origin, per group, with Student's t interval.
#include "verdict/per_connection_rate.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <numbers>

#include "verdict/kendall_rank.hpp"  // normal_quantile
#include "verdict/robust_stats.hpp"

namespace wsl {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Sums {
  std::size_t index = 0;  // order of first appearance
  double n_squared = 0;   // Σ n²
  double n_change = 0;    // Σ n·d
  double connections = 0;
  double change = 0;
  std::size_t count = 0;
};

}  // namespace

bool GroupRate::bounded() const { return std::isfinite(low) && std::isfinite(high); }

double student_t_two_sided(double confidence, std::size_t df) {
  const double p = (1 + confidence) / 2;
  // Exact for df 1 and 2; beyond, the Cornish–Fisher expansion around the normal quantile (Abramowitz & Stegun
  // 26.7.5), within 0.2% of the tables from df 3 on at 95%.
  if (df == 1) return std::tan(std::numbers::pi * (p - 0.5));
  if (df == 2) {
    const double a = 4 * p * (1 - p);
    return (2 * p - 1) * std::sqrt(2 / a);
  }
  const double z = normal_quantile(p);
  const double v = double(df);
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v) +
         (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
}

RateFit fit_per_connection_rates(std::span<const LevelIncrement> increments, double confidence) {
  RateFit fit;
  fit.confidence = confidence;
  std::map<std::string, Sums> sums;
  for (const LevelIncrement& inc : increments) {
    if (!std::isfinite(inc.change) || !(inc.connections > 0)) continue;
    auto [it, added] = sums.try_emplace(inc.group);
    if (added) it->second.index = sums.size() - 1;
    Sums& s = it->second;
    s.n_squared += inc.connections * inc.connections;
    s.n_change += inc.connections * inc.change;
    s.connections += inc.connections;
    s.change += inc.change;
    ++s.count;
  }
  fit.groups.resize(sums.size());
  for (auto& [group, s] : sums) {
    std::vector<double> rates;
    for (const LevelIncrement& inc : increments)
      if (inc.group == group && std::isfinite(inc.change) && inc.connections > 0)
        rates.push_back(inc.change / inc.connections);
    fit.groups[s.index].median_per_connection = median(rates).value_or(0);
  }
  std::size_t used = 0;
  for (const auto& [group, s] : sums) {
    GroupRate& g = fit.groups[s.index];
    g.group = group;
    g.per_connection = s.n_change / s.n_squared;
    g.connections = s.connections;
    g.change = s.change;
    g.increments = s.count;
    used += s.count;
  }
  double residual_squares = 0;
  for (const LevelIncrement& inc : increments) {
    auto it = sums.find(inc.group);
    if (it == sums.end() || !std::isfinite(inc.change) || !(inc.connections > 0)) continue;
    const double residual = inc.change - fit.groups[it->second.index].per_connection * inc.connections;
    residual_squares += residual * residual;
  }
  fit.degrees_of_freedom = used > sums.size() ? used - sums.size() : 0;
  if (fit.degrees_of_freedom == 0) {
    fit.noise_sd = std::numeric_limits<double>::quiet_NaN();
    for (GroupRate& g : fit.groups) g.low = -kInfinity, g.high = kInfinity;
    return fit;
  }
  fit.noise_sd = std::sqrt(residual_squares / double(fit.degrees_of_freedom));
  const double t = student_t_two_sided(confidence, fit.degrees_of_freedom);
  for (const auto& [group, s] : sums) {
    GroupRate& g = fit.groups[s.index];
    const double half_width = t * fit.noise_sd / std::sqrt(s.n_squared);
    g.low = g.per_connection - half_width;
    g.high = g.per_connection + half_width;
  }
  return fit;
}

std::size_t increments_to_decide(const RateFit& fit, double connections_per_increment, double gap,
                                 std::size_t max_increments) {
  if (!std::isfinite(fit.noise_sd) || !(connections_per_increment > 0) || !(std::abs(gap) > 0)) return 0;
  const std::size_t groups = fit.groups.empty() ? 1 : fit.groups.size();
  for (std::size_t k = 2; k <= max_increments; ++k) {
    const double t = student_t_two_sided(fit.confidence, groups * (k - 1));
    const double half_width = t * fit.noise_sd / (connections_per_increment * std::sqrt(double(k)));
    if (half_width < std::abs(gap)) return k;
  }
  return 0;
}

}  // namespace wsl
