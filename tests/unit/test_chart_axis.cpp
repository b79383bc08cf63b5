// Chart axes for report.html: nice tick steps, widened ranges, labels in the axis's unit, value-to-pixel scaling.
#include <gtest/gtest.h>

#include <cmath>

#include "report/chart_axis.hpp"

namespace wsl {
namespace {

std::vector<std::string> labels(double lo, double hi, AxisUnit unit, int count) {
  return tick_labels(nice_ticks(lo, hi, unit, count), unit);
}

TEST(ChartAxis, StepsAreOneTwoOrFiveTimesAPowerOfTenAndCoverTheData) {
  AxisTicks t = nice_ticks(0, 20, AxisUnit::count, 4);
  EXPECT_EQ(t.step, 5);
  EXPECT_EQ(t.values, (std::vector<double>{0, 5, 10, 15, 20}));
  t = nice_ticks(0, 7.3, AxisUnit::count, 5);
  EXPECT_EQ(t.step, 2);
  EXPECT_EQ(t.hi, 8);
  t = nice_ticks(3, 97, AxisUnit::rate, 4);
  EXPECT_EQ(t.step, 50);
  EXPECT_EQ(t.lo, 0);
  EXPECT_EQ(t.hi, 100);
}

TEST(ChartAxis, CountsNeverGetFractionalSteps) {
  const AxisTicks t = nice_ticks(0, 2, AxisUnit::count, 5);
  EXPECT_EQ(t.step, 1);
  EXPECT_EQ(labels(0, 2, AxisUnit::count, 5), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(labels(0, 0.9, AxisUnit::rate, 5), (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
}

TEST(ChartAxis, AFlatOrEmptyRangeIsWidenedNotDegenerate) {
  AxisTicks t = nice_ticks(0, 0, AxisUnit::count, 4);
  EXPECT_EQ(t.lo, 0);
  EXPECT_EQ(t.hi, 1);
  t = nice_ticks(8, 8, AxisUnit::count, 4);
  EXPECT_LT(t.lo, 8);
  EXPECT_GT(t.hi, 8);
  EXPECT_GE(t.lo, 0);  // a count's axis does not go below zero just to centre a flat line
  t = nice_ticks(NAN, 5, AxisUnit::count, 4);
  EXPECT_LT(t.lo, t.hi);
}

TEST(ChartAxis, TimeStepsFollowTheClock) {
  EXPECT_EQ(labels(0, 4.7, AxisUnit::seconds, 10).at(1), "0.5s");
  EXPECT_EQ(labels(0, 600, AxisUnit::seconds, 10),
            (std::vector<std::string>{"0s", "1m", "2m", "3m", "4m", "5m", "6m", "7m", "8m", "9m", "10m"}));
  EXPECT_EQ(nice_ticks(0, 450, AxisUnit::seconds, 10).step, 60);  // 45 s rounds to a minute, not to 50 s
  EXPECT_EQ(labels(0, 5400, AxisUnit::seconds, 6),
            (std::vector<std::string>{"0s", "15m", "30m", "45m", "1h", "1h15m", "1h30m"}));
  EXPECT_EQ(labels(0, 150, AxisUnit::seconds, 5), (std::vector<std::string>{"0s", "30s", "1m", "1m30s", "2m", "2m30s"}));
}

TEST(ChartAxis, BytesAreLabelledInOneBinaryUnitPerAxis) {
  const double MiB = 1024 * 1024;
  EXPECT_EQ(labels(10 * MiB, 20 * MiB, AxisUnit::bytes, 5),
            (std::vector<std::string>{"10 MiB", "12 MiB", "14 MiB", "16 MiB", "18 MiB", "20 MiB"}));
  EXPECT_EQ(labels(0, 1536, AxisUnit::bytes, 3), (std::vector<std::string>{"0.0 KiB", "0.5 KiB", "1.0 KiB", "1.5 KiB"}));
  const AxisTicks narrow = nice_ticks(10.9 * MiB, 11.1 * MiB, AxisUnit::bytes, 4);
  EXPECT_NEAR(narrow.step, 0.05 * MiB, 1);
  EXPECT_EQ(tick_labels(narrow, AxisUnit::bytes).front(), "10.90 MiB");
}

TEST(ChartAxis, LargeCountsGetASuffix) {
  EXPECT_EQ(labels(0, 50000, AxisUnit::count, 5), (std::vector<std::string>{"0", "10k", "20k", "30k", "40k", "50k"}));
  EXPECT_EQ(labels(0, 3e6, AxisUnit::count, 3).back(), "3M");
}

TEST(ChartAxis, LinearScaleMapsOntoAPixelRangeThatMayRunBackwards) {
  const LinearScale y{0, 100, 200, 20};  // an SVG y axis: larger values higher up
  EXPECT_DOUBLE_EQ(y(0), 200);
  EXPECT_DOUBLE_EQ(y(100), 20);
  EXPECT_DOUBLE_EQ(y(50), 110);
  EXPECT_DOUBLE_EQ((LinearScale{5, 5, 10, 20}(5)), 10);  // an empty domain does not divide by zero
}

}  // namespace
}  // namespace wsl
