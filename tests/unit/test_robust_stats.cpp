// Median, MAD and Theil–Sen on synthetic series: flat, noisy, linear, a step, a spike, and the smallest inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "verdict/kendall_rank.hpp"
#include "verdict/robust_stats.hpp"

using namespace wsl;

namespace {

std::vector<double> indices(std::size_t n) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = double(i);
  return x;
}

}  // namespace

TEST(Median, OddEvenAndEmpty) {
  EXPECT_EQ(median(std::vector<double>{}), std::nullopt);
  EXPECT_DOUBLE_EQ(*median(std::vector<double>{7}), 7);
  EXPECT_DOUBLE_EQ(*median(std::vector<double>{3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(*median(std::vector<double>{4, 1, 3, 2}), 2.5);
}

TEST(Median, IgnoresOneSpike) {
  EXPECT_DOUBLE_EQ(*median(std::vector<double>{100, 101, 1e9, 99, 100}), 100);
}

TEST(MedianAbsoluteDeviation, ConstantIsZeroAndSpikeDoesNotInflateIt) {
  EXPECT_EQ(median_absolute_deviation(std::vector<double>{}), std::nullopt);
  EXPECT_DOUBLE_EQ(*median_absolute_deviation(std::vector<double>{5, 5, 5}), 0);
  // deviations from 3: 2 1 0 1 997 -> median 1
  EXPECT_DOUBLE_EQ(*median_absolute_deviation(std::vector<double>{1, 2, 3, 4, 1000}), 1);
}

TEST(MedianAbsoluteDeviation, ScaledMadEstimatesNormalSigma) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 3.0);
  std::vector<double> v(4001);
  for (double& x : v) x = 50 + noise(rng);
  EXPECT_NEAR(*median_absolute_deviation(v) * kMadToSigma, 3.0, 0.2);
}

TEST(TheilSen, TooFewPoints) {
  EXPECT_EQ(theil_sen(std::vector<double>{}, std::vector<double>{}), std::nullopt);
  EXPECT_EQ(theil_sen(std::vector<double>{1}, std::vector<double>{5}), std::nullopt);
  EXPECT_EQ(theil_sen(std::vector<double>{2, 2}, std::vector<double>{5, 9}), std::nullopt);  // no distinct x
  EXPECT_EQ(theil_sen(std::vector<double>{0, 1}, std::vector<double>{5}), std::nullopt);     // lengths differ
}

TEST(TheilSen, TwoAndThreePointsGiveASlopeButNoBoundedInterval) {
  auto two = theil_sen(std::vector<double>{0, 1}, std::vector<double>{10, 14});
  ASSERT_TRUE(two);
  EXPECT_DOUBLE_EQ(two->slope, 4);
  EXPECT_DOUBLE_EQ(two->intercept, 10);
  EXPECT_FALSE(two->bounded());
  EXPECT_TRUE(std::isinf(two->low) && two->low < 0);

  auto three = theil_sen(std::vector<double>{0, 1, 2}, std::vector<double>{1, 3, 4});
  ASSERT_TRUE(three);
  EXPECT_DOUBLE_EQ(three->slope, 1.5);  // slopes 2, 1.5, 1
  EXPECT_EQ(three->pairs, 3u);
  EXPECT_FALSE(three->bounded());
}

TEST(TheilSen, FlatSeriesHasZeroSlopeAndTightInterval) {
  auto est = theil_sen(indices(8), std::vector<double>(8, 42.0));
  ASSERT_TRUE(est);
  EXPECT_DOUBLE_EQ(est->slope, 0);
  EXPECT_DOUBLE_EQ(est->intercept, 42);
  EXPECT_DOUBLE_EQ(est->low, 0);
  EXPECT_DOUBLE_EQ(est->high, 0);
}

TEST(TheilSen, NoisyFlatIntervalContainsZero) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> noise(-3.0, 3.0);
  std::vector<double> y(30);
  for (double& v : y) v = 100 + noise(rng);
  auto est = theil_sen(indices(y.size()), y);
  ASSERT_TRUE(est && est->bounded());
  EXPECT_LT(est->low, 0);
  EXPECT_GT(est->high, 0);
  EXPECT_LT(std::fabs(est->slope), 0.3);
}

TEST(TheilSen, SlowLinearLeakIsRecoveredWithIntervalAboveZero) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> noise(-0.2, 0.2);
  std::vector<double> y(10);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 50 + 1.0 * double(i) + noise(rng);
  auto est = theil_sen(indices(y.size()), y);
  ASSERT_TRUE(est && est->bounded());
  EXPECT_NEAR(est->slope, 1.0, 0.1);
  EXPECT_GT(est->low, 0.5);
  EXPECT_LE(est->low, est->slope);
  EXPECT_GE(est->high, est->slope);
}

TEST(TheilSen, SingleStepGivesModestSlope) {
  // 0 0 0 0 10 10 10 10: a step is not a trend; the median slope is small compared with the step.
  std::vector<double> y{0, 0, 0, 0, 10, 10, 10, 10};
  auto est = theil_sen(indices(y.size()), y);
  ASSERT_TRUE(est);
  EXPECT_GT(est->slope, 0);
  EXPECT_LT(est->slope, 2.5);
}

TEST(TheilSen, OneSpikeBarelyMovesTheSlope) {
  std::vector<double> y(12);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 2.0 * double(i);
  auto clean = theil_sen(indices(y.size()), y);
  y[5] += 1e6;
  auto spiked = theil_sen(indices(y.size()), y);
  ASSERT_TRUE(clean && spiked);
  EXPECT_DOUBLE_EQ(clean->slope, 2.0);
  EXPECT_NEAR(spiked->slope, 2.0, 0.25);
}

TEST(TheilSen, NonFiniteSamplesAreDropped) {
  std::vector<double> y{1, 2, NAN, 4, 5};
  auto est = theil_sen(indices(5), y);
  ASSERT_TRUE(est);
  EXPECT_EQ(est->points, 4u);
  EXPECT_DOUBLE_EQ(est->slope, 1);
}

TEST(TheilSen, LargeInputIsSubsampledDeterministically) {
  std::vector<double> y(5000);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 3.0 * double(i) + ((i % 7) == 0 ? 50.0 : 0.0);
  auto a = theil_sen(indices(y.size()), y);
  auto b = theil_sen(indices(y.size()), y);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->points, kTheilSenMaxPoints);
  EXPECT_EQ(a->slope, b->slope);
  EXPECT_NEAR(a->slope, 3.0, 0.05);
}

TEST(TheilSen, TiedXUsesNormalIntervalAndSkipsTiedPairs) {
  // Three samples per cycle for five cycles, rising 1 per cycle.
  std::vector<double> x, y;
  for (int c = 0; c < 5; ++c) {
    for (int s = 0; s < 3; ++s) {
      x.push_back(c);
      y.push_back(c + 0.01 * s);
    }
  }
  auto est = theil_sen(x, y);
  ASSERT_TRUE(est && est->bounded());
  EXPECT_EQ(est->pairs, 105u - 15u);
  EXPECT_NEAR(est->slope, 1.0, 0.02);
  EXPECT_GT(est->low, 0.9);
}

TEST(KendallRank, ExactRanksMatchHandComputedTails) {
  // n=5: P(I=0)=1/120, P(I<=1)=5/120, P(I<=2)=14/120.
  EXPECT_EQ(slopes_outside_interval(5, 10, {}, 0.90), std::optional<std::size_t>(1));  // 5/120 <= 0.05
  EXPECT_EQ(slopes_outside_interval(5, 10, {}, 0.95), std::optional<std::size_t>(0));  // 1/120 <= 0.025 < 5/120
  EXPECT_EQ(slopes_outside_interval(4, 6, {}, 0.90), std::optional<std::size_t>(0));   // 1/24 <= 0.05
  EXPECT_EQ(slopes_outside_interval(4, 6, {}, 0.95), std::nullopt);                    // 1/24 > 0.025
  EXPECT_EQ(slopes_outside_interval(3, 3, {}, 0.90), std::nullopt);                    // 1/6 > 0.05
}

TEST(KendallRank, NormalApproximationAgreesWithExactForModerateN) {
  // Just past the exact limit the two recipes should drop about the same number of slopes.
  const std::size_t n = 60, pairs = n * (n - 1) / 2;
  auto exact = slopes_outside_interval(n, pairs, {}, 0.90);
  std::vector<std::size_t> no_real_ties{1};  // a group of one changes nothing but forces the normal path
  auto normal = slopes_outside_interval(n, pairs, no_real_ties, 0.90);
  ASSERT_TRUE(exact && normal);
  EXPECT_NEAR(double(*exact), double(*normal), 0.02 * double(pairs));
}

TEST(KendallRank, NormalQuantile) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959964, 1e-5);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-9);
  EXPECT_NEAR(normal_quantile(0.05), -1.644854, 1e-5);
}
