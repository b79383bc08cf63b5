// Tests of Pacer: exact instants at a rate, spread over a span, or all at once, without drift.
#include <gtest/gtest.h>

#include "plan/pacer.hpp"

namespace wsl {
namespace {

TEST(Pacer, RateTicksAreExactMultiplesOfThePeriod) {
  const Pacer p = Pacer::at_rate(5s, 5000, 500);
  EXPECT_EQ(p.at(0), Duration(5s));
  EXPECT_EQ(p.at(1), Duration(5s + 2ms));
  EXPECT_EQ(p.at(4999), Duration(5s + 9998ms));
  EXPECT_EQ(p.last_at(), p.at(4999));
}

TEST(Pacer, RateDoesNotDriftOverLongRuns) {
  // 3/s has a period that is not a whole number of nanoseconds; accumulating it would drift.
  const Pacer p = Pacer::at_rate(0ns, Pacer::kUnbounded, 3);
  EXPECT_EQ(p.at(3), Duration(1s));
  EXPECT_EQ(p.at(3 * 3600 * 8), Duration(8h));
  EXPECT_EQ(p.at(1), Duration(333333333ns));
}

TEST(Pacer, SpreadCoversTheSpanEvenly) {
  const Pacer p = Pacer::spread(1s, 4, 10s);
  EXPECT_EQ(p.at(0), Duration(1s));
  EXPECT_EQ(p.at(1), Duration(3500ms));
  EXPECT_EQ(p.at(3), Duration(8500ms));
}

TEST(Pacer, SpreadDoesNotOverflowForManyTicksOverHours) {
  const Pacer p = Pacer::spread(0ns, 10'000'000, 10h);
  EXPECT_EQ(p.at(5'000'000), Duration(5h));
  EXPECT_EQ(p.at(9'999'999), Duration(10h) - Duration(10h) / 10'000'000);
}

TEST(Pacer, InstantAndNonPositiveRatesPutEveryTickAtTheStart) {
  EXPECT_EQ(Pacer::instant(7s, 100).at(99), Duration(7s));
  EXPECT_EQ(Pacer::at_rate(7s, 100, 0).at(99), Duration(7s));
  EXPECT_EQ(Pacer::spread(7s, 100, 0ns).at(99), Duration(7s));
}

TEST(Pacer, CountsDownItsTicks) {
  Pacer p = Pacer::at_rate(0ns, 2, 10);
  ASSERT_TRUE(p.has_next());
  EXPECT_EQ(p.next_at(), Duration(0ns));
  p.advance();
  EXPECT_EQ(p.next_at(), Duration(100ms));
  p.advance();
  EXPECT_FALSE(p.has_next());
  EXPECT_FALSE(Pacer().has_next());
  EXPECT_EQ(Pacer::instant(3s, 0).last_at(), Duration(3s));
}

}  // namespace
}  // namespace wsl
