// The blocks of load a run is made of: one per cycle, or one per close pattern, each running that pattern alone.
#include <gtest/gtest.h>

#include <map>

#include "plan/leak_blocks.hpp"
#include "vocabulary/close_pattern.hpp"

using namespace wsl;

namespace {

Profile churn_profile() {
  Profile p;
  p.cycles = 3;
  p.phases = {{.name = "churn", .duration = 10s, .connections = 200, .churn_rate = 400},
              {.name = "drain", .close_all = true, .close_rate = 100}};
  p.close.mix = {{.pattern = ClosePattern::clean, .weight = 2, .code = 1000},
                 {.pattern = ClosePattern::rst, .weight = 1},
                 {.pattern = ClosePattern::clean, .weight = 2, .code = 1001},
                 {.pattern = ClosePattern::stall, .weight = 0.4, .hold = 20s}};
  return p;
}

}  // namespace

TEST(LeakBlocks, WithoutAttributionEachCycleIsOneBlockOfTheWholeProfile) {
  Profile p = churn_profile();
  const auto blocks = plan_blocks(p);
  ASSERT_EQ(blocks.size(), 3u);
  for (uint32_t c = 0; c < 3; ++c) {
    EXPECT_EQ(blocks[c].cycle, c);
    EXPECT_FALSE(blocks[c].pattern);
    EXPECT_EQ(blocks[c].warmup, c == 0);
    EXPECT_TRUE(blocks[c].last_of_cycle);
  }
  const Profile one = block_profile(p, blocks[1]);
  EXPECT_EQ(one.cycles, 1u);
  EXPECT_EQ(one.close.mix, p.close.mix);
  EXPECT_EQ(one.phases, p.phases);
}

TEST(LeakBlocks, AttributedCyclesRunEachPatternAloneAndHeldPatternsOnceAtTheEnd) {
  Profile p = churn_profile();
  p.checks.leak.attribute = LeakAttribution::patterns;
  p.checks.leak.warmup_cycles = 2;
  const auto blocks = plan_blocks(p);
  // clean and rst twice in a row (a flush, then the measured block) in every cycle; stall, which holds its
  // connections for 20 s, once at the end of the last.
  ASSERT_EQ(blocks.size(), 13u);
  using P = ClosePattern;
  // (With two patterns, rotating by one and reversing gives the same order back.)
  const P expected[] = {P::clean, P::clean, P::rst, P::rst, P::clean, P::clean, P::rst, P::rst,
                        P::clean, P::clean, P::rst, P::rst, P::stall};
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    ASSERT_TRUE(blocks[i].pattern) << i;
    EXPECT_EQ(*blocks[i].pattern, expected[i]) << i;
    EXPECT_EQ(blocks[i].cycle, i < 4 ? 0u : i < 8 ? 1u : 2u) << i;
    EXPECT_EQ(blocks[i].warmup, i < 8) << i;
    EXPECT_EQ(blocks[i].flush, i % 2 == 0 && i < 12) << i;
    EXPECT_EQ(blocks[i].last_of_cycle, i == 3 || i == 7 || i == 12) << i;
  }
}

TEST(LeakBlocks, EveryHeldPatternRunsOnceAtTheEndAndDataAfterCloseInEveryCycle) {
  Profile p;
  p.cycles = 2;
  p.phases = {{.name = "churn", .duration = 1s, .connections = 10, .churn_rate = 10}};
  for (const ClosePatternInfo& row : kClosePatterns) p.close.mix.push_back({.pattern = row.pattern});
  p.checks.leak.attribute = LeakAttribution::patterns;
  std::map<ClosePattern, int> blocks_of;
  for (const BlockPlan& b : plan_blocks(p)) {
    ++blocks_of[*b.pattern];
    if (describe(*b.pattern).held) {
      EXPECT_EQ(b.cycle, 1u) << to_string(*b.pattern);
    }
  }
  for (const ClosePatternInfo& row : kClosePatterns)
    EXPECT_EQ(blocks_of[row.pattern], row.held ? 1 : 4) << row.name;  // else a flush and a measured block a cycle
  EXPECT_EQ(blocks_of[ClosePattern::data_after_close], 4);
}

TEST(LeakBlocks, ABlockNarrowsEveryMixToItsPatternAndScalesThePhasesByItsWeight) {
  Profile p = churn_profile();
  p.checks.leak.attribute = LeakAttribution::patterns;
  p.phases[1].mix = {{.pattern = ClosePattern::rst, .weight = 1}, {.pattern = ClosePattern::fin, .weight = 1}};

  const Profile clean = block_profile(p, {.cycle = 0, .pattern = ClosePattern::clean});
  ASSERT_EQ(clean.close.mix.size(), 2u);  // both clean entries, codes 1000 and 1001
  EXPECT_EQ(clean.close.mix[1].code, 1001);
  EXPECT_EQ(clean.phases[1].mix, clean.close.mix);  // the drain's own mix has no clean: it uses close.mix's
  EXPECT_EQ(clean.phases[0].connections, 200u);     // clean (weight 4) is the heaviest: full size
  EXPECT_DOUBLE_EQ(*clean.phases[0].churn_rate, 400);

  const Profile rst = block_profile(p, {.cycle = 0, .pattern = ClosePattern::rst});
  ASSERT_EQ(rst.close.mix.size(), 1u);
  EXPECT_EQ(rst.close.mix[0].pattern, ClosePattern::rst);
  ASSERT_EQ(rst.phases[1].mix.size(), 1u);
  EXPECT_EQ(rst.phases[1].mix[0].pattern, ClosePattern::rst);
  EXPECT_EQ(rst.phases[0].connections, 50u);  // weight 1 of 4
  EXPECT_DOUBLE_EQ(*rst.phases[0].churn_rate, 100);
  EXPECT_DOUBLE_EQ(*rst.phases[1].close_rate, 25);
  EXPECT_EQ(rst.phases[0].duration, 10s);  // durations stay: the pattern gets its share of the connections

  const Profile fin = block_profile(p, {.cycle = 0, .pattern = ClosePattern::fin});  // only in the drain's mix
  ASSERT_EQ(fin.close.mix.size(), 1u);
  EXPECT_EQ(fin.close.mix[0].pattern, ClosePattern::fin);
  EXPECT_EQ(fin.phases[0].connections, 200u);  // its weight is the heaviest of the mix that has it
}

TEST(LeakBlocks, MixPatternsInOrderOfFirstAppearanceSkippingZeroWeights) {
  Profile p = churn_profile();
  p.close.mix[1].weight = 0;
  p.phases[0].mix = {{.pattern = ClosePattern::mid_message, .weight = 1}};
  EXPECT_EQ(mix_patterns(p), (std::vector{ClosePattern::clean, ClosePattern::stall, ClosePattern::mid_message}));
  EXPECT_EQ(mix_patterns(Profile{}), std::vector{ClosePattern::clean});
}

TEST(LeakBlocks, EachCycleRotatesTheOrderAndEveryOtherReversesIt) {
  Profile p;
  p.cycles = 6;
  p.phases = {{.name = "churn", .duration = 1s, .connections = 10, .churn_rate = 10}};
  p.close.mix = {{.pattern = ClosePattern::clean}, {.pattern = ClosePattern::rst}, {.pattern = ClosePattern::fin}};
  p.checks.leak.attribute = LeakAttribution::patterns;
  std::string order;
  for (const BlockPlan& b : plan_blocks(p))
    if (!b.flush) order += std::string(to_string(*b.pattern)).substr(0, 1);
  EXPECT_EQ(order, "crf" "cfr" "fcr" "frc" "rfc" "rcf");
  // Every pattern follows each of the other two at least twice over the run.
  std::map<std::string, int> follows;
  for (std::size_t i = 1; i < order.size(); ++i) ++follows[order.substr(i - 1, 2)];
  for (const char* pair : {"cr", "cf", "rc", "rf", "fc", "fr"}) EXPECT_GE(follows[pair], 2) << pair;
}
