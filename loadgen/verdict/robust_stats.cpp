// Median, MAD and the Theil–Sen slope with Sen's rank interval, on plain vectors of samples.
#include "verdict/robust_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "verdict/kendall_rank.hpp"

namespace wsl {

namespace {

// Median of a scratch copy, using nth_element twice for even counts instead of a full sort.
double median_in_place(std::vector<double>& v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + mid);
  return (lower + upper) / 2;
}

struct Point {
  double x, y;
};

// Finite points only, then at most kTheilSenMaxPoints of them evenly spaced by index, so the result is repeatable.
std::vector<Point> usable_points(std::span<const double> x, std::span<const double> y) {
  std::vector<Point> all;
  all.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) all.push_back({x[i], y[i]});
  }
  if (all.size() <= kTheilSenMaxPoints) return all;
  std::vector<Point> kept;
  kept.reserve(kTheilSenMaxPoints);
  const double step = double(all.size() - 1) / double(kTheilSenMaxPoints - 1);
  for (std::size_t i = 0; i < kTheilSenMaxPoints; ++i) kept.push_back(all[std::size_t(std::llround(double(i) * step))]);
  return kept;
}

// Sizes of the groups of equal x with more than one member: they change the variance of Kendall's S.
std::vector<std::size_t> x_tie_sizes(const std::vector<Point>& points) {
  std::map<double, std::size_t> groups;
  for (const Point& p : points) ++groups[p.x];
  std::vector<std::size_t> sizes;
  for (const auto& [x, count] : groups) {
    if (count > 1) sizes.push_back(count);
  }
  return sizes;
}

}  // namespace

bool SlopeEstimate::bounded() const { return std::isfinite(low) && std::isfinite(high); }

std::optional<double> median(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  std::vector<double> scratch(values.begin(), values.end());
  return median_in_place(scratch);
}

std::optional<double> median_absolute_deviation(std::span<const double> values) {
  const std::optional<double> center = median(values);
  if (!center) return std::nullopt;
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::fabs(v - *center));
  return median_in_place(deviations);
}

std::optional<SlopeEstimate> theil_sen(std::span<const double> x, std::span<const double> y, double confidence) {
  if (x.size() != y.size()) return std::nullopt;
  const std::vector<Point> points = usable_points(x, y);
  if (points.size() < 2) return std::nullopt;

  std::vector<double> slopes;
  slopes.reserve(points.size() * (points.size() - 1) / 2);
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t j = i + 1; j < points.size(); ++j) {
      const double dx = points[j].x - points[i].x;
      if (dx != 0) slopes.push_back((points[j].y - points[i].y) / dx);
    }
  }
  if (slopes.empty()) return std::nullopt;
  std::sort(slopes.begin(), slopes.end());

  SlopeEstimate est;
  est.points = points.size();
  est.pairs = slopes.size();
  est.confidence = confidence;
  const std::size_t mid = slopes.size() / 2;
  est.slope = slopes.size() % 2 == 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;

  std::vector<double> residuals;
  residuals.reserve(points.size());
  for (const Point& p : points) residuals.push_back(p.y - est.slope * p.x);
  est.intercept = median_in_place(residuals);

  const std::vector<std::size_t> ties = x_tie_sizes(points);
  const std::optional<std::size_t> m = slopes_outside_interval(points.size(), slopes.size(), ties, confidence);
  if (m) {
    est.low = slopes[*m];
    est.high = slopes[slopes.size() - 1 - *m];
  } else {
    est.low = -std::numeric_limits<double>::infinity();
    est.high = std::numeric_limits<double>::infinity();
  }
  return est;
}

}  // namespace wsl
