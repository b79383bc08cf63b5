// The growth-per-connection fit: Student's t, exact rates without noise, pooled noise across patterns.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "verdict/per_connection_rate.hpp"

using namespace wsl;

TEST(PerConnectionRate, StudentTMatchesTheTables) {
  // Two-sided 95% values from any table of Student's t.
  const std::pair<std::size_t, double> table[] = {{1, 12.706}, {2, 4.303}, {3, 3.182}, {4, 2.776}, {5, 2.571},
                                                  {8, 2.306},  {10, 2.228}, {20, 2.086}, {30, 2.042}, {120, 1.980}};
  for (const auto& [df, t] : table) EXPECT_NEAR(student_t_two_sided(0.95, df), t, 0.004) << df;
  EXPECT_NEAR(student_t_two_sided(0.90, 2), 2.920, 0.002);
}

TEST(PerConnectionRate, WithoutNoiseEachGroupsRateIsExactAndItsIntervalClosed) {
  const std::vector<LevelIncrement> increments = {
      {"clean", 0, 1000}, {"rst", 65536000, 1000}, {"clean", 0, 2000}, {"rst", 131072000, 2000}};
  const RateFit fit = fit_per_connection_rates(increments);
  ASSERT_EQ(fit.groups.size(), 2u);
  EXPECT_EQ(fit.groups[0].group, "clean");
  EXPECT_DOUBLE_EQ(fit.groups[0].per_connection, 0);
  EXPECT_EQ(fit.groups[1].group, "rst");
  EXPECT_DOUBLE_EQ(fit.groups[1].per_connection, 65536);
  EXPECT_DOUBLE_EQ(fit.groups[1].connections, 3000);
  EXPECT_EQ(fit.groups[1].increments, 2u);
  EXPECT_EQ(fit.degrees_of_freedom, 2u);
  EXPECT_TRUE(fit.groups[1].bounded());
  EXPECT_DOUBLE_EQ(fit.groups[1].low, 65536);
  EXPECT_DOUBLE_EQ(fit.groups[1].high, 65536);
}

TEST(PerConnectionRate, ANoisyGroupWidensEveryGroupsIntervalThroughThePooledNoise) {
  const std::vector<LevelIncrement> calm = {{"a", 100, 1000}, {"a", 100, 1000}, {"b", 0, 1000}, {"b", 0, 1000}};
  std::vector<LevelIncrement> noisy = calm;
  noisy[2].change = -5000000;
  noisy[3].change = 5000000;
  const RateFit quiet = fit_per_connection_rates(calm);
  const RateFit loud = fit_per_connection_rates(noisy);
  EXPECT_NEAR(quiet.groups[0].high - quiet.groups[0].low, 0, 1e-9);
  EXPECT_GT(loud.groups[0].high - loud.groups[0].low, 1000);  // "a" is as uncertain as the noise around it
}

TEST(PerConnectionRate, OneIncrementPerGroupHasNoNoiseEstimate) {
  const std::vector<LevelIncrement> increments = {{"clean", 10, 100}, {"rst", 20, 100}};
  const RateFit fit = fit_per_connection_rates(increments);
  EXPECT_EQ(fit.degrees_of_freedom, 0u);
  EXPECT_TRUE(std::isnan(fit.noise_sd));
  for (const GroupRate& g : fit.groups) EXPECT_FALSE(g.bounded()) << g.group;
}

TEST(PerConnectionRate, IncrementsWithoutConnectionsOrANumberAreLeftOut) {
  const std::vector<LevelIncrement> increments = {{"all", 10, 0}, {"all", NAN, 100}, {"all", 50, 100}};
  const RateFit fit = fit_per_connection_rates(increments);
  ASSERT_EQ(fit.groups.size(), 1u);
  EXPECT_EQ(fit.groups[0].increments, 1u);
  EXPECT_DOUBLE_EQ(fit.groups[0].per_connection, 0.5);
}

TEST(PerConnectionRate, IncrementsToDecideShrinkAsTheGapGrows) {
  std::vector<LevelIncrement> increments;
  for (int i = 0; i < 4; ++i) increments.push_back({"all", (i % 2 ? 1.0 : -1.0) * 1048576, 1000});
  const RateFit fit = fit_per_connection_rates(increments);
  const std::size_t far = increments_to_decide(fit, 1000, 4096);
  const std::size_t near = increments_to_decide(fit, 1000, 1024);
  EXPECT_GT(far, 1u);
  EXPECT_GT(near, far);
  EXPECT_EQ(increments_to_decide(fit, 1000, 1), 0u);  // within noise: no count up to 100 decides
}

TEST(PerConnectionRate, TheIntervalCoversTheTrueRateNinetyFivePercentOfTheTime) {
  // Independent normal noise on each increment, three groups of unequal sizes: the pooled t interval is exact
  // there, so its coverage checks its arithmetic.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0, 1048576);
  const double rates[] = {0, 2048, 64};
  for (int blocks_per_group : {2, 3, 6}) {
    int covered = 0, intervals = 0;
    for (int run = 0; run < 3000; ++run) {
      std::vector<LevelIncrement> increments;
      for (int b = 0; b < blocks_per_group; ++b)
        for (int g = 0; g < 3; ++g) {
          const double n = 1000.0 * (g + 1);
          increments.push_back({std::to_string(g), rates[g] * n + noise(rng), n});
        }
      const RateFit fit = fit_per_connection_rates(increments);
      for (int g = 0; g < 3; ++g) {
        ++intervals;
        covered += fit.groups[g].low <= rates[g] && rates[g] <= fit.groups[g].high;
      }
    }
    EXPECT_GT(double(covered) / intervals, 0.935) << blocks_per_group;
    EXPECT_LT(double(covered) / intervals, 0.965) << blocks_per_group;
  }
}
