// How many pairwise slopes lie outside Sen's confidence interval, from the null distribution of Kendall's S.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace wsl {

// For n points whose `slopes` pairwise slopes are sorted, the number m of smallest (and of largest) slopes outside a
// two-sided `confidence` interval: the interval is [sorted[m], sorted[slopes - 1 - m]]. nullopt when even the
// extreme slopes are inside it (too few points: the interval is unbounded). `x_tie_sizes` lists the size of each
// group of equal x values larger than one; with none and n <= kExactKendallMaxPoints the exact distribution is used.
std::optional<std::size_t> slopes_outside_interval(std::size_t n, std::size_t slopes,
                                                   std::span<const std::size_t> x_tie_sizes, double confidence);

// Up to this many points the null distribution (inversion counts of a random permutation) is computed exactly.
inline constexpr std::size_t kExactKendallMaxPoints = 100;

// The standard normal quantile: p -> z with Phi(z) = p, for 0 < p < 1.
double normal_quantile(double p);

}  // namespace wsl
