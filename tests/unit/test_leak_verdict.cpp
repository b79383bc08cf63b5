// The leak verdict on synthetic monitor series: clean servers pass, real leaks are caught, doubt is said aloud.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "verdict/kendall_rank.hpp"
#include "verdict/leak_verdict.hpp"

using namespace wsl;

namespace {

constexpr double MiB = 1024.0 * 1024.0;

ResourceSamples samples(std::string name, std::vector<double> baseline, std::vector<std::vector<double>> settled) {
  return {std::move(name), std::move(baseline), std::move(settled)};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A clean server's RSS: idle baseline, a warm-up plateau after the first load (allocator arenas keep their
// high-water mark), then no trend: samples jitter by ±3 MiB, and each cycle's plateau by ±plateau_noise.
ResourceSamples clean_rss(uint64_t seed, int cycles, double plateau_noise = 1.0 * MiB) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> per_sample(-3.0 * MiB, 3.0 * MiB);
  std::uniform_real_distribution<double> per_cycle(-plateau_noise, plateau_noise);
  ResourceSamples s{"rss", {}, {}};
  for (int i = 0; i < 5; ++i) s.baseline.push_back(50 * MiB + per_sample(rng) / 3);  // idle is calmer
  for (int c = 0; c < cycles; ++c) {
    const double plateau = 58 * MiB + per_cycle(rng);
    std::vector<double> window;
    for (int i = 0; i < 5; ++i) window.push_back(plateau + per_sample(rng));
    s.settled.push_back(window);
  }
  return s;
}

}  // namespace

TEST(LeakVerdict, MinTrendCyclesMatchesTheRankInterval) {
  EXPECT_TRUE(slopes_outside_interval(kMinTrendCycles, kMinTrendCycles * (kMinTrendCycles - 1) / 2, {},
                                      kTrendConfidence));
  EXPECT_FALSE(slopes_outside_interval(kMinTrendCycles - 1, (kMinTrendCycles - 1) * (kMinTrendCycles - 2) / 2, {},
                                       kTrendConfidence));
}

TEST(LeakVerdict, FlatFdsPass) {
  auto v = judge_resource(samples("fds", {12, 12, 12}, {{12, 12, 12}}), LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::pass) << v.reason;
  EXPECT_EQ(v.reason, "12 after settle vs 12 baseline: +0 <= fd_delta_max 8");
  EXPECT_DOUBLE_EQ(v.delta, 0);
  EXPECT_EQ(v.limit_name, "fd_delta_max");
  EXPECT_FALSE(v.slope_per_cycle);
}

TEST(LeakVerdict, FdsBackToBaselineAfterEveryCyclePass) {
  auto v = judge_resource(samples("fds", {12, 12, 13}, {{14, 12, 12}, {12, 13, 12}, {12, 12}, {13, 12, 12}, {12}}),
                          LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::pass) << v.reason;
  ASSERT_TRUE(v.slope_per_cycle);
  EXPECT_DOUBLE_EQ(*v.slope_per_cycle, 0);
  EXPECT_TRUE(has(v.reason, "trend +0/cycle over 5 cycles (95% CI")) << v.reason;
}

TEST(LeakVerdict, StepFdLeakIsCaughtByDelta) {
  auto v = judge_resource(samples("fds", {12, 12, 12}, {{412, 412, 411}}), LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::leak);
  EXPECT_EQ(v.reason, "412 after settle vs 12 baseline: +400 > fd_delta_max 8");
  EXPECT_DOUBLE_EQ(v.after, 412);
  EXPECT_DOUBLE_EQ(v.limit, 8);
}

TEST(LeakVerdict, SocketsAndScrapedOpenFdsUseFdDeltaMax) {
  LeakCheck check;
  check.fd_delta_max = 2;
  for (const char* name : {"sockets", "sockets.established", "scrape:process_open_fds"}) {
    auto v = judge_resource(samples(name, {10, 10, 10}, {{15, 15, 15}}), check);
    EXPECT_EQ(v.verdict, Verdict::leak) << name;
    EXPECT_EQ(v.limit_name, "fd_delta_max") << name;
    EXPECT_TRUE(has(v.reason, "+5 > fd_delta_max 2")) << v.reason;
  }
}

TEST(LeakVerdict, FdsRisingEveryCycleWithinTheLimitAreInconclusive) {
  auto v = judge_resource(samples("fds", {12}, {{13}, {14}, {15}, {16}, {17}}), LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::inconclusive) << v.reason;
  EXPECT_TRUE(has(v.reason, "+5 <= fd_delta_max 8, but rising +1/cycle over 5 cycles")) << v.reason;
}

TEST(LeakVerdict, CloseWaitStuckIsALeakWithItsCount) {
  auto v = judge_resource(samples("sockets.close_wait", {0, 0, 0}, {{37, 37, 37}}), LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::leak);
  EXPECT_EQ(v.reason, "37 stuck in CLOSE_WAIT after settle (baseline 0): +37 > close_wait_max 0");
}

TEST(LeakVerdict, CloseWaitWithinLimitStillReportsItsCount) {
  LeakCheck check;
  check.close_wait_max = 5;
  auto v = judge_resource(samples("sockets.close_wait", {0}, {{3}}), check);
  EXPECT_EQ(v.verdict, Verdict::pass);
  EXPECT_TRUE(has(v.reason, "3 stuck in CLOSE_WAIT")) << v.reason;
  auto zero = judge_resource(samples("sockets.close_wait", {0}, {{0}}), LeakCheck{});
  EXPECT_EQ(zero.verdict, Verdict::pass);
  EXPECT_TRUE(has(zero.reason, "0 stuck in CLOSE_WAIT")) << zero.reason;
}

TEST(LeakVerdict, NoisyCleanRssPassesInAThousandSeedsOnDeltaAlone) {
  for (int cycles : {1, 2, 3, 4}) {
    for (uint64_t seed = 0; seed < 1000; ++seed) {
      auto v = judge_resource(clean_rss(seed, cycles), LeakCheck{});
      ASSERT_EQ(v.verdict, Verdict::pass) << "cycles " << cycles << " seed " << seed << ": " << v.reason;
    }
  }
}

TEST(LeakVerdict, NoisyCleanRssPassesInAThousandSeedsWithEnoughCyclesForATrend) {
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    auto v = judge_resource(clean_rss(seed, 15), LeakCheck{});
    ASSERT_EQ(v.verdict, Verdict::pass) << "seed " << seed << ": " << v.reason;
    ASSERT_TRUE(v.slope_high);
    EXPECT_LT(*v.slope_high, 1.0 * MiB);
  }
}

TEST(LeakVerdict, NoisyCleanRssNeverLeaksWithFewCycles) {
  // With 5 noisy cycles the interval is wide, so INCONCLUSIVE is allowed, but a false LEAK is not.
  int inconclusive = 0;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    auto v = judge_resource(clean_rss(seed, 5), LeakCheck{});
    ASSERT_NE(v.verdict, Verdict::leak) << "seed " << seed << ": " << v.reason;
    inconclusive += v.verdict == Verdict::inconclusive;
  }
  EXPECT_GT(inconclusive, 0);  // the rule admits doubt rather than pretending
}

TEST(LeakVerdict, PlateauNoiseFarAboveTheSlopeLimitRarelyLeaksAtFiveCyclesAndNeverAtEight) {
  // Plateaus wandering ±3 MiB per cycle against rss_slope_max 1 MiB: a few cycles that happen to come out in
  // increasing order, 1 MiB apart, look exactly like a leak. Simulated rate: 0.02% of 5-cycle runs, 0.002% of
  // 6-cycle runs, none in 50000 runs of 8 cycles.
  int five_cycle_leaks = 0;
  for (uint64_t seed = 0; seed < 10000; ++seed) {
    five_cycle_leaks += judge_resource(clean_rss(seed, 5, 3.0 * MiB), LeakCheck{}).verdict == Verdict::leak;
  }
  EXPECT_LE(five_cycle_leaks, 5);
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    auto v = judge_resource(clean_rss(seed, 8, 3.0 * MiB), LeakCheck{});
    ASSERT_NE(v.verdict, Verdict::leak) << "seed " << seed << ": " << v.reason;
  }
}

TEST(LeakVerdict, SlowLinearRssLeakIsCaughtBySlopeWhileDeltaPasses) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> noise(-0.3 * MiB, 0.3 * MiB);
  ResourceSamples s{"rss", {50 * MiB, 50 * MiB, 50 * MiB}, {}};
  for (int c = 0; c < 5; ++c) {
    const double level = 52 * MiB + 2.5 * MiB * c;
    s.settled.push_back({level + noise(rng), level + noise(rng), level + noise(rng)});
  }
  auto v = judge_resource(s, LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::leak) << v.reason;
  EXPECT_EQ(v.limit_name, "rss_slope_max");
  EXPECT_LT(v.delta, 16 * MiB);
  ASSERT_TRUE(v.slope_low && v.slope_per_cycle);
  EXPECT_GT(*v.slope_low, 1 * MiB);
  EXPECT_NEAR(*v.slope_per_cycle, 2.5 * MiB, 0.3 * MiB);
  EXPECT_TRUE(has(v.reason, "rss_slope_max 1.00MiB/cycle")) << v.reason;
  EXPECT_TRUE(has(v.reason, "MiB/cycle over 5 cycles (95% CI +")) << v.reason;
}

TEST(LeakVerdict, StepRssLeakIsCaughtByDelta) {
  auto v = judge_resource(samples("rss", {50 * MiB, 51 * MiB, 50 * MiB}, {{250 * MiB, 251 * MiB, 250 * MiB}}),
                          LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::leak);
  EXPECT_EQ(v.limit_name, "rss_delta_max");
  EXPECT_EQ(v.reason, "250MiB after settle vs 50.0MiB baseline: +200MiB > rss_delta_max 16.0MiB");
}

TEST(LeakVerdict, OneSpikeInTheSettleWindowDoesNotLeak) {
  auto v = judge_resource(samples("rss", {50 * MiB, 50 * MiB, 50 * MiB}, {{58 * MiB, 900 * MiB, 58 * MiB}}),
                          LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::pass) << v.reason;
}

TEST(LeakVerdict, TwoCyclesAreTooFewForATrendAndSaySo) {
  auto v = judge_resource(samples("rss", {50 * MiB, 50 * MiB, 50 * MiB},
                                  {{55 * MiB, 55 * MiB, 55 * MiB}, {58 * MiB, 58 * MiB, 58 * MiB}}),
                          LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::pass) << v.reason;
  ASSERT_TRUE(v.slope_per_cycle);
  EXPECT_DOUBLE_EQ(*v.slope_per_cycle, 3 * MiB);
  EXPECT_FALSE(v.slope_low);
  EXPECT_TRUE(has(v.reason, "over 2 cycles (too few for an interval, needs 5), decided on delta only"))
      << v.reason;
}

TEST(LeakVerdict, RssSlopeIntervalAcrossTheLimitIsInconclusive) {
  ResourceSamples s{"rss", {50 * MiB, 50 * MiB, 50 * MiB}, {}};
  for (int c = 0; c < 6; ++c) {
    const double level = 52 * MiB + 1.0 * MiB * c + (c % 2 ? 1.5 * MiB : 0.0);
    s.settled.push_back({level, level, level});
  }
  auto v = judge_resource(s, LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::inconclusive) << v.reason;
  ASSERT_TRUE(v.slope_low && v.slope_high);
  EXPECT_LT(*v.slope_low, 1 * MiB);
  EXPECT_GT(*v.slope_high, 1 * MiB);
  EXPECT_TRUE(has(v.reason, "includes rss_slope_max 1.00MiB/cycle")) << v.reason;
}

TEST(LeakVerdict, ScrapedResidentMemoryUsesTheRssRules) {
  auto v = judge_resource(samples("scrape:process_resident_memory_bytes", {50 * MiB, 50 * MiB, 50 * MiB},
                                  {{90 * MiB, 90 * MiB, 90 * MiB}}),
                          LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::leak);
  EXPECT_EQ(v.unit, AmountUnit::bytes);
  EXPECT_EQ(v.limit_name, "rss_delta_max");
}

TEST(LeakVerdict, TooFewSamplesAreInconclusiveAndSayWhy) {
  auto rss = judge_resource(samples("rss", {50 * MiB, 50 * MiB}, {{50 * MiB, 50 * MiB, 50 * MiB}}), LeakCheck{});
  EXPECT_EQ(rss.verdict, Verdict::inconclusive);
  EXPECT_EQ(rss.reason, "too few samples: 2 baseline, 3 after the last settle (need 3 each)");

  auto fds = judge_resource(samples("fds", {}, {{12}}), LeakCheck{});
  EXPECT_EQ(fds.verdict, Verdict::inconclusive);
  EXPECT_TRUE(std::isnan(fds.baseline));
  EXPECT_TRUE(has(fds.reason, "0 baseline")) << fds.reason;

  auto none = judge_resource(samples("fds", {12}, {}), LeakCheck{});
  EXPECT_EQ(none.verdict, Verdict::inconclusive);
  EXPECT_TRUE(has(none.reason, "no samples after settle")) << none.reason;
}

TEST(LeakVerdict, UnreadableSamplesAreDropped) {
  // -1 is the monitor's "could not read"; it must not drag the median down.
  auto v = judge_resource(samples("fds", {-1, 12, 12}, {{12, -1, -1, 12}}), LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::pass) << v.reason;
  EXPECT_DOUBLE_EQ(v.baseline, 12);
  EXPECT_DOUBLE_EQ(v.after, 12);
}

TEST(LeakVerdict, DeadProcessIsInconclusiveEvenWhenTheNumbersLookFine) {
  const std::vector<ResourceSamples> all{samples("fds", {12}, {{3}}), samples("sockets.close_wait", {0}, {{0}})};
  auto verdicts = judge_resources(all, LeakCheck{}, std::string("server pid 4242 exited at 1m12s"));
  ASSERT_EQ(verdicts.size(), 2u);
  for (const auto& v : verdicts) {
    EXPECT_EQ(v.verdict, Verdict::inconclusive);
    EXPECT_EQ(v.reason, "server pid 4242 exited at 1m12s: nothing to compare after settle");
  }
  EXPECT_EQ(overall_verdict(verdicts), Verdict::inconclusive);
  EXPECT_FALSE(fails_run(overall_verdict(verdicts)));
}

TEST(LeakVerdict, KernelTimedSocketStatesAreReportedNotJudged) {
  auto v = judge_resource(samples("sockets.time_wait", {0}, {{300}}), LeakCheck{});
  EXPECT_EQ(v.verdict, Verdict::pass);
  EXPECT_TRUE(has(v.reason, "300 after settle vs 0 baseline: +300")) << v.reason;
  EXPECT_TRUE(std::isnan(v.limit));
}

TEST(LeakVerdict, OtherScrapedSeriesPassUnlessClearlyRising) {
  const std::vector<std::vector<double>> flat{{5, 5, 5}, {6, 6, 6}, {5, 5, 5}, {6, 6, 6}, {5, 5, 5}};
  auto steady = judge_resource(samples("scrape:app_sessions", {5, 5, 5}, flat), LeakCheck{});
  EXPECT_EQ(steady.verdict, Verdict::pass) << steady.reason;

  const std::vector<std::vector<double>> rising{{10, 10, 10}, {20, 20, 20}, {30, 30, 30}, {40, 40, 40}, {50, 50, 50}};
  auto growing = judge_resource(samples("scrape:app_sessions", {5, 5, 5}, rising), LeakCheck{});
  EXPECT_EQ(growing.verdict, Verdict::inconclusive) << growing.reason;
  EXPECT_TRUE(has(growing.reason, "no limit is configured")) << growing.reason;

  auto counter = judge_resource(samples("scrape:app_messages_total", {5, 5, 5}, rising), LeakCheck{});
  EXPECT_EQ(counter.verdict, Verdict::pass) << counter.reason;
}

TEST(LeakVerdict, OverallVerdict) {
  ResourceVerdict pass, leak, unsure;
  pass.verdict = Verdict::pass;
  leak.verdict = Verdict::leak;
  unsure.verdict = Verdict::inconclusive;
  EXPECT_EQ(overall_verdict(std::vector{pass, pass}), Verdict::pass);
  EXPECT_EQ(overall_verdict(std::vector{pass, unsure}), Verdict::inconclusive);
  EXPECT_EQ(overall_verdict(std::vector{unsure, leak, pass}), Verdict::leak);
  EXPECT_EQ(overall_verdict(std::vector<ResourceVerdict>{}), Verdict::inconclusive);
  EXPECT_TRUE(fails_run(Verdict::leak));
  EXPECT_FALSE(fails_run(Verdict::inconclusive));
  EXPECT_FALSE(fails_run(Verdict::pass));
}
