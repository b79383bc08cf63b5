// Tests of draw_lifetime: each distribution's values, bounds and mean.
#include <gtest/gtest.h>

#include <cmath>

#include "plan/lifetime.hpp"
#include "plan/random_draw.hpp"

namespace wsl {
namespace {

TEST(DrawLifetime, NoneMeansUntilAPhaseCloses) {
  Lifetime none;
  EXPECT_FALSE(draw_lifetime(none, 123).has_value());
}

TEST(DrawLifetime, FixedIsExactWhateverTheDraw) {
  Lifetime fixed{Lifetime::Dist::fixed, 20s, 0ns, 0ns};
  EXPECT_EQ(draw_lifetime(fixed, 0), Duration(20s));
  EXPECT_EQ(draw_lifetime(fixed, ~uint64_t{0}), Duration(20s));
}

TEST(DrawLifetime, ZeroIsRaisedToTheShortestLifetime) {
  Lifetime zero{Lifetime::Dist::fixed, 0ns, 0ns, 0ns};
  EXPECT_EQ(draw_lifetime(zero, 5), kShortestLifetime);
  Lifetime exp{Lifetime::Dist::exponential, 10s, 0ns, 0ns};
  EXPECT_EQ(draw_lifetime(exp, 0), kShortestLifetime);  // u = 0 gives -mean * ln(1) = 0
}

TEST(DrawLifetime, UniformStaysWithinBoundsAndCoversThem) {
  Lifetime uni{Lifetime::Dist::uniform, 0ns, 10s, 20s};
  EXPECT_EQ(draw_lifetime(uni, 0), Duration(10s));
  Duration lo = 1h, hi = 0ns;
  double sum = 0;
  constexpr int kDraws = 20000;
  for (uint64_t id = 0; id < kDraws; ++id) {
    const Duration d = *draw_lifetime(uni, connection_random(3, id, RandomStream::lifetime));
    ASSERT_GE(d, 10s);
    ASSERT_LE(d, 20s);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
    sum += std::chrono::duration<double>(d).count();
  }
  EXPECT_LT(lo, 10100ms);
  EXPECT_GT(hi, 19900ms);
  // Uniform on [10, 20]: mean 15, standard deviation 10/sqrt(12).
  EXPECT_NEAR(sum / kDraws, 15.0, 4 * (10 / std::sqrt(12.0)) / std::sqrt(double(kDraws)));
}

TEST(DrawLifetime, UniformAcceptsSwappedBounds) {
  Lifetime uni{Lifetime::Dist::uniform, 0ns, 20s, 10s};
  const Duration d = *draw_lifetime(uni, connection_random(3, 1, 1));
  EXPECT_GE(d, 10s);
  EXPECT_LE(d, 20s);
}

TEST(DrawLifetime, ExponentialHasItsMeanAndMedian) {
  Lifetime exp{Lifetime::Dist::exponential, 20s, 0ns, 0ns};
  constexpr int kDraws = 20000;
  double sum = 0;
  int below_median = 0;
  for (uint64_t id = 0; id < kDraws; ++id) {
    const double s = std::chrono::duration<double>(
                         *draw_lifetime(exp, connection_random(11, id, RandomStream::lifetime)))
                         .count();
    ASSERT_GT(s, 0);
    sum += s;
    below_median += s < 20 * std::log(2.0);
  }
  // The standard deviation of an exponential equals its mean.
  EXPECT_NEAR(sum / kDraws, 20.0, 4 * 20.0 / std::sqrt(double(kDraws)));
  EXPECT_NEAR(below_median, kDraws / 2, 4 * std::sqrt(kDraws * 0.25));
}

}  // namespace
}  // namespace wsl
