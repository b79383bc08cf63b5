// Tests of how phases pace their opens and closes: rates, spreading over a duration, instants, shrinking.
#include <gtest/gtest.h>

#include "plan/schedule.hpp"
#include "schedule_test_support.hpp"

namespace wsl {
namespace {

using Kind = ScheduledEvent::Kind;
using test::of_kind;
using test::phase;
using test::profile_with;
using test::walk;

Phase ramp_at(uint32_t connections, double rate, std::optional<Duration> duration = std::nullopt) {
  Phase p = phase("ramp");
  p.connections = connections;
  p.connect_rate = rate;
  p.duration = duration;
  return p;
}

TEST(SchedulePacing, RampAtRateOpensTheKthConnectionAtKPeriods) {
  Phase hold = phase("hold");
  hold.duration = 1s;
  const auto events = walk(profile_with({ramp_at(5000, 500, 10s), hold}));
  const auto opens = of_kind(events, Kind::open);
  ASSERT_EQ(opens.size(), 5000u);
  for (uint64_t k = 0; k < opens.size(); ++k) ASSERT_EQ(opens[k].at, Duration(2ms) * k) << "open " << k;
  const auto starts = of_kind(events, Kind::phase_start);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].at, Duration(10s));  // the ramp takes its 10 s
}

TEST(SchedulePacing, PhaseWithoutDurationEndsAtItsLastPacedAction) {
  Phase hold = phase("hold");
  hold.duration = 1s;
  const auto events = walk(profile_with({ramp_at(5000, 500), hold}));
  const auto starts = of_kind(events, Kind::phase_start);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].at, Duration(9998ms));
  EXPECT_EQ(of_kind(events, Kind::open).back().at, Duration(9998ms));
  EXPECT_EQ(events.back().at, Duration(10998ms));
}

TEST(SchedulePacing, DurationCutsOffOpensThatDoNotFit) {
  const auto events = walk(profile_with({ramp_at(5000, 500, 5s)}));
  const auto opens = of_kind(events, Kind::open);
  ASSERT_EQ(opens.size(), 2500u);
  EXPECT_EQ(opens.back().at, Duration(4998ms));
}

TEST(SchedulePacing, WithoutRateOpensSpreadEvenlyOverTheDuration) {
  Phase ramp = phase("ramp");
  ramp.connections = 4;
  ramp.duration = 8s;
  const auto opens = of_kind(walk(profile_with({ramp})), Kind::open);
  ASSERT_EQ(opens.size(), 4u);
  EXPECT_EQ(opens[0].at, Duration(0s));
  EXPECT_EQ(opens[1].at, Duration(2s));
  EXPECT_EQ(opens[2].at, Duration(4s));
  EXPECT_EQ(opens[3].at, Duration(6s));
}

TEST(SchedulePacing, WithoutRateOrDurationAllOpenAtThePhaseStart) {
  Phase first = phase("first");
  first.duration = 3s;
  Phase burst = phase("burst");
  burst.connections = 100;
  const auto events = walk(profile_with({first, burst}));
  const auto opens = of_kind(events, Kind::open);
  ASSERT_EQ(opens.size(), 100u);
  for (const auto& e : opens) {
    EXPECT_EQ(e.at, Duration(3s));
    EXPECT_EQ(e.phase_index, 1u);
  }
}

TEST(SchedulePacing, ARaiseOnlyOpensTheDifference) {
  Phase second = ramp_at(15, 10);
  second.name = "more";
  const auto events = walk(profile_with({ramp_at(10, 10), second}));
  const auto opens = of_kind(events, Kind::open);
  ASSERT_EQ(opens.size(), 15u);
  EXPECT_EQ(opens[10].phase_index, 1u);
  EXPECT_EQ(opens[10].at, Duration(900ms));  // the second phase starts at the first's last open
  EXPECT_EQ(opens[14].at, Duration(1300ms));
}

TEST(SchedulePacing, ShrinkClosesTheOldestAtTheCloseRate) {
  Phase up = phase("up");
  up.connections = 10;
  Phase shrink = phase("shrink");
  shrink.connections = 4;
  shrink.close_rate = 2;
  Phase hold = phase("hold");
  hold.duration = 10s;
  const auto events = walk(profile_with({up, shrink, hold}));
  const auto closes = of_kind(events, Kind::close);
  ASSERT_EQ(closes.size(), 10u);  // 6 by the shrink, 4 by the final drain
  for (uint64_t k = 0; k < 6; ++k) {
    EXPECT_EQ(closes[k].conn_id, k);
    EXPECT_EQ(closes[k].at, Duration(500ms) * k);
    EXPECT_EQ(closes[k].phase_index, 1u);
  }
  EXPECT_EQ(closes[6].at, Duration(12500ms));  // hold starts at the last shrink close, 2.5 s
  EXPECT_EQ(test::peak_open(events), 10);
}

TEST(SchedulePacing, ShrinkWithoutRateIsInstant) {
  Phase up = phase("up");
  up.connections = 10;
  up.duration = 1s;
  Phase shrink = phase("shrink");
  shrink.connections = 3;
  shrink.duration = 1s;
  const auto events = walk(profile_with({up, shrink}));
  const auto closes = of_kind(events, Kind::close);
  ASSERT_EQ(closes.size(), 10u);
  for (uint64_t k = 0; k < 7; ++k) {
    EXPECT_EQ(closes[k].conn_id, k);
    EXPECT_EQ(closes[k].at, Duration(1s));
  }
}

TEST(SchedulePacing, TiesPutThePhaseStartFirstThenClosesThenOpens) {
  // At 1 s the churn phase starts, its first churn closes the oldest and opens a new one.
  Phase up = phase("up");
  up.connections = 2;
  up.duration = 1s;
  Phase churn = phase("churn");
  churn.duration = 1s;
  churn.churn_rate = 1;
  const auto events = walk(profile_with({up, churn}));
  std::vector<Kind> at_one_second;
  for (const auto& e : events) {
    if (e.at == 1s) at_one_second.push_back(e.kind);
  }
  EXPECT_EQ(at_one_second, (std::vector<Kind>{Kind::phase_start, Kind::close, Kind::open}));
}

TEST(SchedulePacing, AtOneInstantChurnGoesBeforeThePhasesOwnOpens) {
  // At 1 s the phase starts, its first churn closes #0 and opens #2, then its first paced open is #3.
  Phase up = phase("up");
  up.connections = 2;
  up.duration = 1s;
  Phase grow = phase("grow-and-churn");
  grow.connections = 4;
  grow.connect_rate = 1;
  grow.churn_rate = 1;
  grow.duration = 2s;
  const auto events = walk(profile_with({up, grow}));
  std::vector<std::pair<Kind, uint64_t>> at_one_second;
  for (const auto& e : events) {
    if (e.at == 1s && e.kind != Kind::phase_start) at_one_second.emplace_back(e.kind, e.conn_id);
  }
  EXPECT_EQ(at_one_second, (std::vector<std::pair<Kind, uint64_t>>{
                               {Kind::close, 0}, {Kind::open, 2}, {Kind::open, 3}}));
}

}  // namespace
}  // namespace wsl
