// Tests the log-linear latency histogram: quantile accuracy, edge cases and merging.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats/latency_histogram.hpp"

namespace wsl {
namespace {

// The true q-quantile by the same definition the histogram uses: the ceil(q*n)-th smallest value.
Duration true_quantile(std::vector<Duration> values, double q) {
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

// Reported quantiles are bucket upper bounds: never below the truth, at most 1/16 above it
// (or 1 µs above it below 16 µs, where buckets are one microsecond wide).
void expect_within_bucket_error(const LatencyHistogram& h, const std::vector<Duration>& values) {
  for (double q : {0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
    const Duration truth = true_quantile(values, q);
    const Duration got = h.quantile(q);
    const Duration allowed = std::max<Duration>(truth / 16, 1us);
    EXPECT_GE(got, truth) << "q=" << q;
    EXPECT_LE(got, truth + allowed) << "q=" << q;
  }
}

TEST(LatencyHistogram, EmptyReportsZeroEverywhere) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), Duration::zero());
  EXPECT_EQ(h.quantile(1.0), Duration::zero());
  EXPECT_EQ(h.max(), Duration::zero());
  EXPECT_EQ(h.min(), Duration::zero());
  EXPECT_EQ(h.mean(), Duration::zero());
}

TEST(LatencyHistogram, SingleValueIsReportedExactlyAtEveryQuantile) {
  LatencyHistogram h;
  h.record(1234567ns);
  EXPECT_EQ(h.count(), 1u);
  for (double q : {0.0, 0.5, 0.99, 1.0}) EXPECT_EQ(h.quantile(q), 1234567ns) << q;
  EXPECT_EQ(h.min(), 1234567ns);
  EXPECT_EQ(h.max(), 1234567ns);
  EXPECT_EQ(h.mean(), 1234567ns);
}

TEST(LatencyHistogram, UniformDistributionQuantilesWithinOneSixteenth) {
  LatencyHistogram h;
  std::vector<Duration> values;
  for (int i = 1; i <= 10000; ++i) {
    const Duration v = std::chrono::microseconds(i) + std::chrono::nanoseconds(i % 997);
    values.push_back(v);
    h.record(v);
  }
  EXPECT_EQ(h.count(), 10000u);
  expect_within_bucket_error(h, values);
  EXPECT_EQ(h.quantile(1.0), values.back());
}

TEST(LatencyHistogram, GeometricDistributionAcrossManyDecadesWithinOneSixteenth) {
  LatencyHistogram h;
  std::vector<Duration> values;
  // 3 µs .. ~30 minutes, spread evenly on a log scale.
  for (int i = 0; i < 5000; ++i) {
    const double micros = 3.0 * std::pow(10.0, 8.8 * i / 5000.0);
    const Duration v(static_cast<int64_t>(micros * 1000.0));
    values.push_back(v);
    h.record(v);
  }
  expect_within_bucket_error(h, values);
  EXPECT_EQ(h.min(), *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(h.max(), *std::max_element(values.begin(), values.end()));
}

TEST(LatencyHistogram, QuantileUsesCeilRankWithoutFloatingPointDrift) {
  LatencyHistogram h;
  for (int i = 1; i <= 100; ++i) h.record(std::chrono::milliseconds(i));
  // 0.07 * 100 is 7.000000000000001 in doubles; the 7th value is still the answer.
  EXPECT_GE(h.quantile(0.07), 7ms);
  EXPECT_LT(h.quantile(0.07), 8ms);
  EXPECT_GE(h.quantile(0.5), 50ms);
  EXPECT_LE(h.quantile(0.5), 50ms * 17 / 16);
  EXPECT_EQ(h.quantile(0.5), 51200us);  // the upper bound of the bucket [49152 µs, 51200 µs) holding 50 ms
}

TEST(LatencyHistogram, TwoValuesMedianIsTheLowerOne) {
  LatencyHistogram h;
  h.record(1ms);
  h.record(100ms);
  EXPECT_LT(h.quantile(0.5), 2ms);
  EXPECT_EQ(h.quantile(0.51), 100ms);
}

TEST(LatencyHistogram, SubMicrosecondAndNegativeValuesLandInTheFirstBucket) {
  LatencyHistogram h;
  h.record(400ns);
  h.record(-5ms);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min(), 0ns);
  EXPECT_EQ(h.max(), 400ns);
  EXPECT_EQ(h.quantile(1.0), 400ns);
}

TEST(LatencyHistogram, SmallValuesAreResolvedToTheMicrosecond) {
  LatencyHistogram h;
  for (int i = 0; i < 10; ++i) h.record(3us);
  h.record(9us);
  EXPECT_EQ(h.quantile(0.5), 4us);  // upper bound of the [3 µs, 4 µs) bucket
  EXPECT_EQ(h.quantile(1.0), 9us);
}

TEST(LatencyHistogram, MergeEqualsRecordingBoth) {
  LatencyHistogram a, b, both;
  for (int i = 0; i < 3000; ++i) {
    const Duration va = std::chrono::microseconds(50 + i * 7);
    const Duration vb = std::chrono::microseconds(20000 + i * 131);
    a.record(va);
    b.record(vb);
    both.record(va);
    both.record(vb);
  }
  LatencyHistogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.count(), both.count());
  EXPECT_EQ(merged.min(), both.min());
  EXPECT_EQ(merged.max(), both.max());
  EXPECT_EQ(merged.mean(), both.mean());
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) EXPECT_EQ(merged.quantile(q), both.quantile(q)) << q;
  EXPECT_LT(merged.quantile(0.1), 20ms);
  EXPECT_GT(merged.quantile(0.9), 20ms);
}

TEST(LatencyHistogram, MergingIntoOrFromEmptyKeepsMinAndMax) {
  LatencyHistogram empty, h;
  h.record(5ms);
  h.record(7ms);
  LatencyHistogram into_empty;
  into_empty.merge(h);
  EXPECT_EQ(into_empty.min(), 5ms);
  EXPECT_EQ(into_empty.max(), 7ms);
  EXPECT_EQ(into_empty.count(), 2u);
  h.merge(empty);
  EXPECT_EQ(h.min(), 5ms);
  EXPECT_EQ(h.count(), 2u);
}

TEST(LatencyHistogram, HugeValuesKeepAnExactMax) {
  LatencyHistogram h;
  const Duration ten_hours = std::chrono::hours(10) + 123ns;
  h.record(1ms);
  h.record(ten_hours);
  EXPECT_EQ(h.max(), ten_hours);
  EXPECT_EQ(h.quantile(1.0), ten_hours);
  EXPECT_LT(h.quantile(0.5), 2ms);

  // Not even the largest representable duration may overflow anything.
  h.record(Duration::max());
  EXPECT_EQ(h.max(), Duration::max());
  EXPECT_EQ(h.quantile(1.0), Duration::max());
  EXPECT_GT(h.mean(), Duration::zero());
  EXPECT_EQ(h.count(), 3u);
}

TEST(LatencyHistogram, ValuesJustBelowTheTopPowerStayAccurate) {
  LatencyHistogram h;
  const Duration v = std::chrono::microseconds((uint64_t{1} << 32) + 12345);  // ~71.6 minutes
  h.record(v);
  h.record(1s);
  EXPECT_EQ(h.quantile(1.0), v);
  EXPECT_GE(h.quantile(0.5), 1s);
  EXPECT_LE(h.quantile(0.5), Duration(1s) * 17 / 16);
}

}  // namespace
}  // namespace wsl

namespace wsl {
namespace {

TEST(LatencyHistogramBuckets, CountBelowIsExactAtBucketEdgesAndCumulative) {
  LatencyHistogram h;
  for (int ms : {1, 2, 2, 40, 900}) h.record(std::chrono::milliseconds(ms));
  EXPECT_EQ(h.count_below(500us), 0u);
  EXPECT_EQ(h.count_below(1ms), 0u) << "1 ms lies in the bucket ending just above it";
  EXPECT_EQ(h.count_below(1100us), 1u);
  EXPECT_EQ(h.count_below(5ms), 3u);
  EXPECT_EQ(h.count_below(100ms), 4u);
  EXPECT_EQ(h.count_below(900ms), 5u) << "at or above the max, everything counts";
  EXPECT_EQ(h.sum(), 945ms);
}

}  // namespace
}  // namespace wsl
