// A fixed-size log-linear latency histogram: O(1) record without allocation, mergeable, with quantiles.
#pragma once

#include <array>
#include <cstdint>

#include "vocabulary/duration.hpp"

namespace wsl {

// Buckets cover 1 µs .. ~1 h with ≤ 1/16 relative error (16 linear sub-buckets per power of two).
class LatencyHistogram {
 public:
  void record(Duration d);
  void merge(const LatencyHistogram& other);
  // What was recorded after `earlier`, a copy of this histogram taken before: counts, sum and quantiles are exact;
  // max and min are exact when they were recorded after the copy, else the bounds of the outermost buckets.
  LatencyHistogram since(const LatencyHistogram& earlier) const;

  uint64_t count() const { return count_; }
  Duration max() const { return Duration(max_ns_); }
  Duration min() const { return count_ ? Duration(min_ns_) : Duration::zero(); }
  Duration mean() const;
  Duration sum() const { return Duration(sum_ns_); }
  // How many values lie in buckets wholly below `bound` (for Prometheus `le` buckets): exact at bucket
  // edges, otherwise a value within 1/16 of the bound may be counted in the next bucket up.
  uint64_t count_below(Duration bound) const;
  // q in [0,1]; the upper bound of the bucket holding the q-th value, clamped to the true max.
  Duration quantile(double q) const;

 private:
  static constexpr int kSubBits = 4;
  static constexpr int kPowers = 33;  // 2^0 .. 2^32 µs
  static constexpr int kBuckets = kPowers << kSubBits;
  static int bucket_of(uint64_t micros);
  static uint64_t bucket_upper_micros(int bucket);
  static uint64_t bucket_lower_micros(int bucket);

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t sum_ns_ = 0;
  int64_t max_ns_ = 0;
  int64_t min_ns_ = 0;
};

}  // namespace wsl
