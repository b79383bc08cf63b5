// Tests of connection_random and unit_interval: determinism, independence of inputs, uniformity.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "plan/random_draw.hpp"

namespace wsl {
namespace {

TEST(ConnectionRandom, SameInputsGiveSameValue) {
  EXPECT_EQ(connection_random(42, 7, 1), connection_random(42, 7, 1));
  EXPECT_EQ(connection_random(42, 7, RandomStream::close_mix), connection_random(42, 7, 2));
}

TEST(ConnectionRandom, EachInputChangesTheValue) {
  const uint64_t base = connection_random(42, 7, 1);
  EXPECT_NE(base, connection_random(43, 7, 1));
  EXPECT_NE(base, connection_random(42, 8, 1));
  EXPECT_NE(base, connection_random(42, 7, 2));
  // Swapped arguments must not collide.
  EXPECT_NE(connection_random(1, 2, 3), connection_random(2, 1, 3));
  EXPECT_NE(connection_random(1, 2, 3), connection_random(1, 3, 2));
}

TEST(ConnectionRandom, NoCollisionsOverManyIds) {
  std::set<uint64_t> seen;
  for (uint64_t id = 0; id < 100000; ++id) seen.insert(connection_random(1, id, 1));
  EXPECT_EQ(seen.size(), 100000u);
}

TEST(ConnectionRandom, BitsAreBalanced) {
  // Every output bit should be set about half the time over consecutive ids (a weak mixer fails this).
  constexpr int kDraws = 20000;
  int ones[64] = {};
  for (uint64_t id = 0; id < kDraws; ++id) {
    const uint64_t v = connection_random(0, id, 0);
    for (int b = 0; b < 64; ++b) ones[b] += (v >> b) & 1;
  }
  for (int b = 0; b < 64; ++b) {
    EXPECT_NEAR(ones[b], kDraws / 2, 4 * 71) << "bit " << b;  // 4 standard deviations
  }
}

TEST(UnitInterval, MapsToHalfOpenUnitInterval) {
  EXPECT_EQ(unit_interval(0), 0.0);
  EXPECT_LT(unit_interval(~uint64_t{0}), 1.0);
  EXPECT_GT(unit_interval(~uint64_t{0}), 0.999999);
  EXPECT_DOUBLE_EQ(unit_interval(uint64_t{1} << 63), 0.5);
}

TEST(UnitInterval, MeanOfDrawsIsOneHalf) {
  double sum = 0;
  constexpr int kDraws = 20000;
  for (uint64_t id = 0; id < kDraws; ++id) sum += unit_interval(connection_random(9, id, 5));
  EXPECT_NEAR(sum / kDraws, 0.5, 4 * 0.2887 / std::sqrt(double(kDraws)));
}

}  // namespace
}  // namespace wsl
