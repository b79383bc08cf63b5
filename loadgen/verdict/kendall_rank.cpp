// Sen's rank interval for the Theil–Sen slope: how many extreme pairwise slopes to drop, exactly or by normal theory.
#include "verdict/kendall_rank.hpp"

#include <cmath>
#include <vector>

namespace wsl {

namespace {

// Slack for comparing accumulated probabilities with alpha/2, so that e.g. 5/120 <= 0.05 is not lost to rounding.
constexpr double kProbabilityEpsilon = 1e-12;

// P(I = j) for the inversion count I of a uniformly random permutation of n items: the sum of independent
// uniform {0..k-1} for k = 1..n, built by convolving one uniform at a time with running sums.
std::vector<double> inversion_distribution(std::size_t n) {
  std::vector<double> dist{1.0};
  for (std::size_t k = 2; k <= n; ++k) {
    std::vector<double> next(dist.size() + k - 1, 0.0);
    double window = 0;  // sum of dist[j-k+1 .. j]
    for (std::size_t j = 0; j < next.size(); ++j) {
      if (j < dist.size()) window += dist[j];
      if (j >= k && j - k < dist.size()) window -= dist[j - k];
      next[j] = window / double(k);
    }
    dist = std::move(next);
  }
  return dist;
}

// Largest m with P(I <= m) <= tail, nullopt when already P(I = 0) > tail.
std::optional<std::size_t> exact_outside(std::size_t n, double tail) {
  const std::vector<double> dist = inversion_distribution(n);
  double cumulative = 0;
  std::optional<std::size_t> m;
  for (std::size_t j = 0; j < dist.size(); ++j) {
    cumulative += dist[j];
    if (cumulative > tail + kProbabilityEpsilon) break;
    m = j;
  }
  return m;
}

// Sen's normal-theory recipe: C = z * sd(S), lower bound at rank floor((N - C) / 2) (1-based), which is conservative.
std::optional<std::size_t> normal_outside(std::size_t n, std::size_t slopes, std::span<const std::size_t> x_tie_sizes,
                                          double tail) {
  const double nn = double(n);
  double variance = nn * (nn - 1) * (2 * nn + 5);
  for (std::size_t t : x_tie_sizes) {
    const double tt = double(t);
    variance -= tt * (tt - 1) * (2 * tt + 5);
  }
  variance /= 18.0;
  if (variance <= 0) return std::nullopt;
  const double c = normal_quantile(1.0 - tail) * std::sqrt(variance);
  const double rank = std::floor((double(slopes) - c) / 2.0);
  if (rank < 1) return std::nullopt;
  return static_cast<std::size_t>(rank) - 1;
}

}  // namespace

double normal_quantile(double p) {
  // Bisection on the CDF written with erfc: slow but exact to double precision, and it runs a few times per verdict.
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    if (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

std::optional<std::size_t> slopes_outside_interval(std::size_t n, std::size_t slopes,
                                                   std::span<const std::size_t> x_tie_sizes, double confidence) {
  if (n < 2 || slopes == 0 || !(confidence > 0 && confidence < 1)) return std::nullopt;
  const double tail = (1.0 - confidence) / 2.0;
  std::optional<std::size_t> m = (x_tie_sizes.empty() && n <= kExactKendallMaxPoints)
                                     ? exact_outside(n, tail)
                                     : normal_outside(n, slopes, x_tie_sizes, tail);
  // Dropping half of the slopes or more from each end would leave an empty or inverted interval.
  if (m && 2 * *m + 1 > slopes) return std::nullopt;
  return m;
}

}  // namespace wsl
