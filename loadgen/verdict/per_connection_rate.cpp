// Growth per connection closed: pooled least squares per group, with a fitted lag and Student's t interval.
#include "verdict/per_connection_rate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

#include "verdict/kendall_rank.hpp"  // normal_quantile

namespace wsl {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kLagStep = 0.05;
constexpr double kLagMax = 0.95;

using Matrix = std::vector<std::vector<double>>;

// Gauss–Jordan inverse of a small symmetric positive matrix; nullopt when it is singular.
std::optional<Matrix> inverse(Matrix a) {
  const std::size_t n = a.size();
  Matrix inv(n, std::vector<double>(n, 0));
  for (std::size_t i = 0; i < n; ++i) inv[i][i] = 1;
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < n; ++r)
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    if (!(std::abs(a[pivot][col]) > 0)) return std::nullopt;
    std::swap(a[pivot], a[col]);
    std::swap(inv[pivot], inv[col]);
    const double scale = a[col][col];
    for (std::size_t c = 0; c < n; ++c) a[col][c] /= scale, inv[col][c] /= scale;
    for (std::size_t r = 0; r < n; ++r) {
      if (r == col || a[r][col] == 0) continue;
      const double factor = a[r][col];
      for (std::size_t c = 0; c < n; ++c) a[r][c] -= factor * a[col][c], inv[r][c] -= factor * inv[col][c];
    }
  }
  return inv;
}

struct Usable {
  std::vector<const LevelIncrement*> increments;
  std::vector<std::string> groups;  // in order of first appearance
  bool lag_identifiable = false;    // some block follows one of another group
};

Usable usable_increments(std::span<const LevelIncrement> increments) {
  Usable u;
  for (const LevelIncrement& inc : increments) {
    if (!std::isfinite(inc.change) || !(inc.connections > 0)) continue;
    u.increments.push_back(&inc);
    if (std::find(u.groups.begin(), u.groups.end(), inc.group) == u.groups.end()) u.groups.push_back(inc.group);
  }
  for (const LevelIncrement* inc : u.increments)
    u.lag_identifiable = u.lag_identifiable || (!inc->previous_group.empty() && inc->previous_group != inc->group &&
                                                std::find(u.groups.begin(), u.groups.end(), inc->previous_group) !=
                                                    u.groups.end());
  return u;
}

// The least-squares rates at one lag, their (XᵀX)⁻¹ diagonal and the residual sum of squares.
struct LagFit {
  double lag = 0;
  std::vector<double> rate;
  std::vector<double> inverse_diagonal;
  double residual_squares = 0;
};

std::optional<LagFit> fit_at(const Usable& u, double lag) {
  const std::size_t g = u.groups.size();
  auto column = [&](const std::string& group) -> std::optional<std::size_t> {
    const auto it = std::find(u.groups.begin(), u.groups.end(), group);
    if (it == u.groups.end()) return std::nullopt;
    return std::size_t(it - u.groups.begin());
  };
  std::vector<std::vector<double>> rows;
  for (const LevelIncrement* inc : u.increments) {
    std::vector<double> x(g, 0);
    x[*column(inc->group)] += (1 - lag) * inc->connections;
    if (const auto previous = column(inc->previous_group)) x[*previous] += lag * inc->previous_connections;
    rows.push_back(std::move(x));
  }
  Matrix normal(g, std::vector<double>(g, 0));
  std::vector<double> rhs(g, 0);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t a = 0; a < g; ++a) {
      rhs[a] += rows[i][a] * u.increments[i]->change;
      for (std::size_t b = 0; b < g; ++b) normal[a][b] += rows[i][a] * rows[i][b];
    }
  const std::optional<Matrix> inv = inverse(normal);
  if (!inv) return std::nullopt;
  LagFit fit;
  fit.lag = lag;
  fit.rate.assign(g, 0);
  for (std::size_t a = 0; a < g; ++a) {
    for (std::size_t b = 0; b < g; ++b) fit.rate[a] += (*inv)[a][b] * rhs[b];
    fit.inverse_diagonal.push_back((*inv)[a][a]);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double predicted = 0;
    for (std::size_t a = 0; a < g; ++a) predicted += rows[i][a] * fit.rate[a];
    const double residual = u.increments[i]->change - predicted;
    fit.residual_squares += residual * residual;
  }
  return fit;
}

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
  RateFit out;
  out.confidence = confidence;
  const Usable u = usable_increments(increments);
  for (const std::string& group : u.groups) {
    GroupRate g{.group = group};
    for (const LevelIncrement* inc : u.increments) {
      if (inc->group != group) continue;
      g.connections += inc->connections;
      g.change += inc->change;
      ++g.increments;
    }
    out.groups.push_back(g);
  }
  if (u.groups.empty()) return out;

  std::vector<LagFit> fits;
  for (double lag = 0; lag <= (u.lag_identifiable ? kLagMax + 1e-9 : 0); lag += kLagStep)
    if (std::optional<LagFit> fit = fit_at(u, lag)) fits.push_back(std::move(*fit));
  if (fits.empty()) return out;
  const LagFit& best = *std::min_element(fits.begin(), fits.end(), [](const LagFit& a, const LagFit& b) {
    return a.residual_squares < b.residual_squares;
  });
  out.lag = best.lag;
  for (std::size_t i = 0; i < out.groups.size(); ++i) out.groups[i].per_connection = best.rate[i];

  const std::size_t parameters = u.groups.size() + (u.lag_identifiable ? 1 : 0);
  out.degrees_of_freedom = u.increments.size() > parameters ? u.increments.size() - parameters : 0;
  if (out.degrees_of_freedom == 0) {
    out.noise_sd = std::numeric_limits<double>::quiet_NaN();
    for (GroupRate& g : out.groups) g.low = -kInfinity, g.high = kInfinity;
    return out;
  }
  const double df = double(out.degrees_of_freedom);
  const double t = student_t_two_sided(confidence, out.degrees_of_freedom);
  out.noise_sd = std::sqrt(best.residual_squares / df);
  // Lags the data cannot rule out: an F(1, df) test on the residuals against the best fit.
  const double plausible_squares = best.residual_squares * (1 + t * t / df);
  for (GroupRate& g : out.groups) g.low = kInfinity, g.high = -kInfinity;
  for (const LagFit& fit : fits) {
    if (fit.residual_squares > plausible_squares) continue;
    const double sd = std::sqrt(fit.residual_squares / df);
    for (std::size_t i = 0; i < out.groups.size(); ++i) {
      const double half_width = t * sd * std::sqrt(fit.inverse_diagonal[i]);
      out.groups[i].low = std::min(out.groups[i].low, fit.rate[i] - half_width);
      out.groups[i].high = std::max(out.groups[i].high, fit.rate[i] + half_width);
    }
  }
  return out;
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
