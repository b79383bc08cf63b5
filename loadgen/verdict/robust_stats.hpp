// Robust statistics for noisy resource samples: median, median absolute deviation, Theil–Sen slope with its interval.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace wsl {

// The middle value (mean of the two middle values for an even count); nullopt for no values.
std::optional<double> median(std::span<const double> values);

// Median of |value - median|, unscaled; nullopt for no values.
std::optional<double> median_absolute_deviation(std::span<const double> values);

// Multiplying a MAD by this estimates a standard deviation when the noise is normal.
inline constexpr double kMadToSigma = 1.4826;

// Theil–Sen line through (x, y) with a two-sided confidence interval for its slope.
struct SlopeEstimate {
  double slope = 0;      // median of the pairwise slopes
  double intercept = 0;  // median of y - slope * x
  double low = 0;        // interval bounds; -inf / +inf when there are too few points for the requested confidence
  double high = 0;
  double confidence = 0;    // two-sided, e.g. 0.95
  std::size_t points = 0;  // points used, after dropping non-finite ones and subsampling
  std::size_t pairs = 0;   // pairwise slopes used (pairs with equal x have no slope)

  bool bounded() const;  // both bounds finite
};

// Above this many points the estimator uses this many evenly spaced ones, keeping the O(n²) pair count bounded.
inline constexpr std::size_t kTheilSenMaxPoints = 400;

// Median of the slopes between every pair of points with distinct x (Theil 1950, Sen 1968); one outlier barely
// moves it. The interval is Sen's rank interval: the pairwise slopes are sorted and the m smallest and m largest
// dropped, m taken from the null distribution of Kendall's S (exact for distinct x and n <= 100, normal with tie
// correction otherwise). It is distribution-free (needs only independent noise), so allocator noise of any shape
// does not break it. nullopt when x and y differ in length or fewer than two distinct x values remain.
std::optional<SlopeEstimate> theil_sen(std::span<const double> x, std::span<const double> y, double confidence = 0.95);

}  // namespace wsl
