// Log-linear latency histogram: bucket arithmetic, recording, merging and quantiles.
#include "stats/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace wsl {

namespace {

constexpr uint64_t kLinearLimit = 16;  // below 16 µs every microsecond has its own bucket

// Saturates instead of wrapping, so absurd inputs degrade the mean rather than corrupt it.
int64_t saturating_add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::numeric_limits<int64_t>::max();
  return out;
}

}  // namespace

// Layout: buckets 0..15 hold 0..15 µs exactly; from 16 µs on, power p (value in [2^p, 2^(p+1)))
// is split into 16 equal sub-buckets at index p*16 + sub; indexes 16..63 stay unused.
int LatencyHistogram::bucket_of(uint64_t micros) {
  if (micros < kLinearLimit) return static_cast<int>(micros);
  const int power = std::bit_width(micros) - 1;
  if (power >= kPowers) return kBuckets - 1;
  const int sub = static_cast<int>((micros >> (power - kSubBits)) & ((1u << kSubBits) - 1));
  return (power << kSubBits) + sub;
}

// Exclusive upper bound of a bucket, in µs.
uint64_t LatencyHistogram::bucket_upper_micros(int bucket) {
  if (bucket < static_cast<int>(kLinearLimit)) return static_cast<uint64_t>(bucket) + 1;
  const int power = bucket >> kSubBits;
  const uint64_t sub = static_cast<uint64_t>(bucket & ((1 << kSubBits) - 1));
  return (uint64_t{1} << power) + ((sub + 1) << (power - kSubBits));
}

uint64_t LatencyHistogram::bucket_lower_micros(int bucket) {
  if (bucket < static_cast<int>(kLinearLimit)) return static_cast<uint64_t>(bucket);
  const int power = bucket >> kSubBits;
  const uint64_t sub = static_cast<uint64_t>(bucket & ((1 << kSubBits) - 1));
  return (uint64_t{1} << power) + (sub << (power - kSubBits));
}

void LatencyHistogram::record(Duration d) {
  // A negative latency can only come from clock adjustments; it counts as zero.
  const int64_t ns = std::max<int64_t>(d.count(), 0);
  ++buckets_[bucket_of(static_cast<uint64_t>(ns) / 1000)];
  if (count_ == 0 || ns < min_ns_) min_ns_ = ns;
  if (ns > max_ns_) max_ns_ = ns;
  sum_ns_ = saturating_add(sum_ns_, ns);
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  min_ns_ = count_ == 0 ? other.min_ns_ : std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
  sum_ns_ = saturating_add(sum_ns_, other.sum_ns_);
  count_ += other.count_;
}

LatencyHistogram LatencyHistogram::since(const LatencyHistogram& earlier) const {
  LatencyHistogram out;
  if (count_ <= earlier.count_) return out;
  int lowest = -1, highest = -1;
  for (int i = 0; i < kBuckets; ++i) {
    out.buckets_[i] = buckets_[i] - std::min(buckets_[i], earlier.buckets_[i]);
    if (out.buckets_[i] == 0) continue;
    if (lowest < 0) lowest = i;
    highest = i;
  }
  out.count_ = count_ - earlier.count_;
  out.sum_ns_ = std::max<int64_t>(sum_ns_ - earlier.sum_ns_, 0);
  // A new extreme was recorded after the copy; otherwise the extreme of the new values lies in the outermost bucket.
  out.max_ns_ = earlier.count_ == 0 || max_ns_ > earlier.max_ns_
                    ? max_ns_
                    : std::min<int64_t>(max_ns_, int64_t(bucket_upper_micros(std::max(highest, 0))) * 1000);
  out.min_ns_ = earlier.count_ == 0 || min_ns_ < earlier.min_ns_
                    ? min_ns_
                    : std::max<int64_t>(min_ns_, int64_t(bucket_lower_micros(std::max(lowest, 0))) * 1000);
  return out;
}

Duration LatencyHistogram::mean() const {
  if (count_ == 0) return Duration::zero();
  return Duration(sum_ns_ / static_cast<int64_t>(count_));
}

uint64_t LatencyHistogram::count_below(Duration bound) const {
  const int64_t bound_ns = bound.count();
  if (bound_ns >= max_ns_) return count_;  // every value is at or below the bound
  uint64_t n = 0;
  for (int i = 0; i < kBuckets - 1; ++i) {
    if (i == static_cast<int>(kLinearLimit)) i = 4 << kSubBits;  // skip the unused indexes 16..63 (see the layout)
    if (static_cast<int64_t>(bucket_upper_micros(i)) * 1000 > bound_ns) break;
    n += buckets_[i];
  }
  return n;
}

Duration LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return Duration::zero();
  if (!(q > 0)) q = 0;  // also catches NaN
  if (q > 1) q = 1;
  // The tiny downward nudge keeps products like 0.07*100 = 7.000000000000001 from skipping a rank.
  const double exact = q * static_cast<double>(count_);
  uint64_t rank = static_cast<uint64_t>(std::ceil(exact - exact * 1e-12));
  rank = std::clamp<uint64_t>(rank, 1, count_);

  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen < rank) continue;
    // The last bucket is open-ended, so only the true max describes it.
    if (i == kBuckets - 1) return max();
    const int64_t upper_ns = static_cast<int64_t>(bucket_upper_micros(i)) * 1000;
    return Duration(std::min(upper_ns, max_ns_));
  }
  return max();
}

}  // namespace wsl
