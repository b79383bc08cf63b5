// Tests of pick_close_choice: weights honoured, zero weights never picked, empty mixes.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "plan/close_mix_picker.hpp"
#include "plan/random_draw.hpp"
#include "schedule_test_support.hpp"

namespace wsl {
namespace {

using test::choice;

TEST(PickCloseChoice, HonoursWeightsWithinStatisticalTolerance) {
  const std::vector<CloseChoice> mix = {
      choice(ClosePattern::clean, 60),         choice(ClosePattern::rst, 15),
      choice(ClosePattern::fin, 10),           choice(ClosePattern::close_timeout, 5),
      choice(ClosePattern::stall, 5),          choice(ClosePattern::handshake_abort, 5),
  };
  constexpr int kPicks = 20000;
  std::map<const CloseChoice*, int> counts;
  for (uint64_t id = 0; id < kPicks; ++id) {
    ++counts[pick_close_choice(mix, connection_random(42, id, RandomStream::close_mix))];
  }
  for (const CloseChoice& c : mix) {
    const double p = c.weight / 100.0;
    const double sd = std::sqrt(kPicks * p * (1 - p));
    EXPECT_NEAR(counts[&c], kPicks * p, 4 * sd) << "pattern " << static_cast<int>(c.pattern);
  }
}

TEST(PickCloseChoice, ZeroWeightEntriesAreNeverPicked) {
  const std::vector<CloseChoice> mix = {
      choice(ClosePattern::rst, 0),
      choice(ClosePattern::clean, 1),
      choice(ClosePattern::fin, 0),
      choice(ClosePattern::stall, -3),
      choice(ClosePattern::mid_message, 1),
      choice(ClosePattern::invalid_close, 0),
  };
  int clean = 0, mid = 0;
  for (uint64_t id = 0; id < 20000; ++id) {
    const CloseChoice* c = pick_close_choice(mix, connection_random(1, id, RandomStream::close_mix));
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c == &mix[1] || c == &mix[4]) << "picked entry " << (c - mix.data());
    (c == &mix[1] ? clean : mid)++;
  }
  EXPECT_GT(clean, 9000);
  EXPECT_GT(mid, 9000);
}

TEST(PickCloseChoice, ExtremeDrawsStayOnPositiveEntries) {
  const std::vector<CloseChoice> mix = {choice(ClosePattern::fin, 1), choice(ClosePattern::rst, 2),
                                        choice(ClosePattern::clean, 0)};
  EXPECT_EQ(pick_close_choice(mix, 0), &mix[0]);
  EXPECT_EQ(pick_close_choice(mix, ~uint64_t{0}), &mix[1]);
}

TEST(PickCloseChoice, EmptyOrAllZeroMixPicksNothing) {
  EXPECT_EQ(pick_close_choice({}, 77), nullptr);
  const std::vector<CloseChoice> zeros = {choice(ClosePattern::rst, 0), choice(ClosePattern::fin, 0)};
  EXPECT_EQ(pick_close_choice(zeros, 77), nullptr);
}

TEST(PickCloseChoice, DefaultIsACleanNormalClosure) {
  EXPECT_EQ(default_close_choice().pattern, ClosePattern::clean);
  EXPECT_EQ(default_close_choice().code, 1000);
  EXPECT_EQ(&default_close_choice(), &default_close_choice());
}

TEST(PickCloseChoice, AnOpenConnectionNeverDrawsHandshakeAbort) {
  const std::vector<CloseChoice> mix = {choice(ClosePattern::handshake_abort, 9), choice(ClosePattern::rst, 1)};
  int aborts_at_open = 0;
  for (uint64_t i = 0; i < 2000; ++i) {
    const uint64_t draw = connection_random(5, i, 2);
    EXPECT_EQ(pick_close_choice_for_open_connection(mix, draw), &mix[1]);
    aborts_at_open += pick_close_choice(mix, draw) == &mix[0];
  }
  EXPECT_GT(aborts_at_open, 1600);  // the full draw still picks it at open ~90% of the time
  const std::vector<CloseChoice> only_abort = {choice(ClosePattern::handshake_abort, 1)};
  EXPECT_EQ(pick_close_choice_for_open_connection(only_abort, 123), nullptr);
}

}  // namespace
}  // namespace wsl
