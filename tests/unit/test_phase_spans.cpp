// Phases and rates read back from the load series, for report.html's shading and rate chart.
#include <gtest/gtest.h>

#include "report/load_rates.hpp"
#include "report/phase_spans.hpp"

namespace wsl {
namespace {

constexpr int64_t ms = 1'000'000;

LoadPoint point(int64_t at_ms, uint32_t cycle, const std::string& phase) {
  LoadPoint p;
  p.at_ns = at_ms * ms;
  p.cycle = cycle;
  p.phase = phase;
  return p;
}

TEST(PhaseSpans, BoundariesFallHalfwayBetweenThePointsThatSawTheChange) {
  const std::vector<LoadPoint> load{point(200, 1, "settle"), point(400, 1, "settle"), point(600, 1, "ramp"),
                                    point(800, 1, "ramp"),   point(1000, 1, "hold"),  point(1200, 2, "settle"),
                                    point(1400, 2, "ramp")};
  const auto spans = phase_spans(load);
  ASSERT_EQ(spans.size(), 5u);
  auto span = [](int64_t from, int64_t to, uint32_t cycle, std::string phase) {
    return std::make_tuple(from * ms, to * ms, cycle, phase);
  };
  auto as_tuple = [](const PhaseSpan& s) { return std::make_tuple(s.from_ns, s.to_ns, s.cycle, s.phase); };
  EXPECT_EQ(as_tuple(spans[0]), span(0, 500, 1, "settle"));  // nothing runs before the first phase
  EXPECT_EQ(as_tuple(spans[1]), span(500, 900, 1, "ramp"));
  EXPECT_EQ(as_tuple(spans[2]), span(900, 1100, 1, "hold"));
  EXPECT_EQ(as_tuple(spans[3]), span(1100, 1300, 2, "settle"));
  EXPECT_EQ(as_tuple(spans[4]), span(1300, 1400, 2, "ramp"));  // the last ends at the last point
  EXPECT_TRUE(spans[0].idle());
  EXPECT_FALSE(spans[1].idle());
}

TEST(PhaseSpans, TheSamePhaseInAnotherCycleIsAnotherSpan) {
  const auto spans = phase_spans({point(100, 1, "hold"), point(200, 2, "hold")});
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].cycle, 2u);
  EXPECT_EQ(spans[1].from_ns, 150 * ms);
}

TEST(PhaseSpans, FewPointsStillGiveSpans) {
  EXPECT_TRUE(phase_spans({}).empty());
  const auto one = phase_spans({point(300, 1, "ramp")});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].from_ns, 0);
  EXPECT_EQ(one[0].to_ns, 300 * ms);
}

TEST(CycleStarts, EachCycleBeginsWithItsFirstPhaseNotItsSettle) {
  const auto spans = phase_spans({point(200, 1, "settle"), point(400, 1, "ramp"), point(600, 2, "settle"),
                                  point(800, 2, "ramp"), point(1000, 2, "hold")});
  const auto starts = cycle_starts(spans);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0].cycle, 1u);
  EXPECT_EQ(starts[0].at_ns, 300 * ms);
  EXPECT_EQ(starts[1].cycle, 2u);
  EXPECT_EQ(starts[1].at_ns, 700 * ms);
}

TEST(LoadRates, DifferencesOverTheTimeBetweenPoints) {
  LoadPoint a = point(1000, 1, "ramp"), b = point(1500, 1, "ramp"), same_time = point(1500, 1, "ramp");
  b.connections_opened = 10;
  b.closes_started = 4;
  b.connect_errors = 1;
  b.messages_sent = 50;
  same_time.connections_opened = 11;
  const auto rates = load_rates({a, b, same_time});
  ASSERT_EQ(rates.size(), 1u);  // no time passed between the last two: no rate
  EXPECT_EQ(rates[0].at_ns, 1500 * ms);
  EXPECT_DOUBLE_EQ(rates[0].opened_per_s, 20);
  EXPECT_DOUBLE_EQ(rates[0].closes_per_s, 8);
  EXPECT_DOUBLE_EQ(rates[0].errors_per_s, 2);
  EXPECT_DOUBLE_EQ(rates[0].messages_per_s, 100);
  EXPECT_TRUE(load_rates({a}).empty());
}

}  // namespace
}  // namespace wsl
