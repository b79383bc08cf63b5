// Tests of Schedule as a whole: determinism, ordering, ids, cycles, the end, and every open closed once.
#include <gtest/gtest.h>

#include <map>

#include "plan/schedule.hpp"
#include "schedule_test_support.hpp"

namespace wsl {
namespace {

using Kind = ScheduledEvent::Kind;
using test::choice;
using test::phase;
using test::profile_with;
using test::walk;

// A profile that exercises every feature at once: ramp, churn, lifetimes, shrink and close-all.
Profile busy_profile(uint64_t seed) {
  Phase ramp = phase("ramp");
  ramp.connections = 200;
  ramp.connect_rate = 100;
  Phase churn = phase("churn");
  churn.duration = 5s;
  churn.connections = 200;
  churn.churn_rate = 50;
  Phase shrink = phase("shrink");
  shrink.connections = 50;
  shrink.close_rate = 100;
  Phase drain = phase("drain");
  drain.close_all = true;
  Profile p = profile_with({ramp, churn, shrink, drain}, seed);
  p.cycles = 2;
  p.session.lifetime = {Lifetime::Dist::exponential, 3s, 0ns, 0ns};
  p.close.mix = {choice(ClosePattern::clean, 60), choice(ClosePattern::rst, 20), choice(ClosePattern::fin, 20)};
  return p;
}

bool same(const ScheduledEvent& a, const ScheduledEvent& b) {
  return a.kind == b.kind && a.at == b.at && a.conn_id == b.conn_id && a.phase_index == b.phase_index &&
         a.cycle == b.cycle && a.close == b.close;
}

TEST(Schedule, SameProfileAndSeedGiveIdenticalSequences) {
  const Profile p = busy_profile(42);
  const auto first = walk(p);
  const auto second = walk(p);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) ASSERT_TRUE(same(first[i], second[i])) << "event " << i;
  EXPECT_GT(first.size(), 1000u);
}

TEST(Schedule, DifferentSeedsGiveDifferentPicks) {
  const Profile a = busy_profile(1);
  const Profile b = busy_profile(2);
  const auto ea = test::of_kind(walk(a), Kind::close);
  const auto eb = test::of_kind(walk(b), Kind::close);
  std::map<uint64_t, ClosePattern> pattern_a;
  for (const auto& e : ea) pattern_a[e.conn_id] = e.close->pattern;
  int differing = 0, compared = 0;
  for (const auto& e : eb) {
    auto it = pattern_a.find(e.conn_id);
    if (it == pattern_a.end()) continue;
    ++compared;
    differing += it->second != e.close->pattern;
  }
  ASSERT_GT(compared, 100);
  EXPECT_GT(differing, compared / 4);  // two independent picks from 60/20/20 differ 56% of the time
}

TEST(Schedule, EventsComeInNonDecreasingTime) {
  const auto events = walk(busy_profile(42));
  for (std::size_t i = 1; i < events.size(); ++i) ASSERT_LE(events[i - 1].at, events[i].at) << "event " << i;
}

TEST(Schedule, EveryOpenedConnectionIsClosedExactlyOnceAndNeverBeforeItOpens) {
  const auto events = walk(busy_profile(7));
  std::map<uint64_t, int> opened, closed;
  for (const auto& e : events) {
    if (e.kind == Kind::open) {
      ASSERT_EQ(opened[e.conn_id]++, 0) << "opened twice: " << e.conn_id;
    } else if (e.kind == Kind::close) {
      ASSERT_EQ(opened[e.conn_id], 1) << "closed before open: " << e.conn_id;
      ASSERT_EQ(closed[e.conn_id]++, 0) << "closed twice: " << e.conn_id;
      ASSERT_NE(e.close, nullptr);
    }
  }
  EXPECT_EQ(opened.size(), closed.size());
}

TEST(Schedule, ConnectionIdsStartAtZeroAndIncreaseByOneAcrossPhasesAndCycles) {
  const auto opens = test::of_kind(walk(busy_profile(3)), Kind::open);
  ASSERT_FALSE(opens.empty());
  for (std::size_t i = 0; i < opens.size(); ++i) ASSERT_EQ(opens[i].conn_id, i);
  EXPECT_EQ(opens.back().cycle, 1u);
}

TEST(Schedule, CyclesRepeatThePhases) {
  Phase up = phase("up");
  up.connections = 10;
  up.duration = 1s;
  Phase down = phase("down");
  down.close_all = true;
  down.duration = 2s;
  Profile p = profile_with({up, down});
  p.cycles = 3;
  const auto events = walk(p);
  const auto starts = test::of_kind(events, Kind::phase_start);
  ASSERT_EQ(starts.size(), 6u);
  for (uint32_t i = 0; i < 6; ++i) {
    EXPECT_EQ(starts[i].phase_index, i % 2);
    EXPECT_EQ(starts[i].cycle, i / 2);
    EXPECT_EQ(starts[i].at, Duration(3s) * (i / 2) + Duration(1s) * (i % 2));
  }
  EXPECT_EQ(test::of_kind(events, Kind::open).size(), 30u);
  EXPECT_EQ(test::of_kind(events, Kind::close).size(), 30u);
  EXPECT_EQ(events.back().kind, Kind::end);
  EXPECT_EQ(events.back().at, Duration(9s));
}

TEST(Schedule, FirstEventIsThePhaseStartAtZero) {
  Phase only = phase("only");
  only.connections = 1;
  const Profile p = profile_with({only});
  Schedule s(p);
  EXPECT_EQ(s.peek_time(), Duration(0ns));
  const ScheduledEvent first = s.next();
  EXPECT_EQ(first.kind, Kind::phase_start);
  EXPECT_EQ(first.phase_index, 0u);
  EXPECT_EQ(first.cycle, 0u);
}

TEST(Schedule, EndIsReturnedForeverAfter) {
  Phase hold = phase("hold");
  hold.duration = 4s;
  const Profile p = profile_with({hold});
  Schedule s(p);
  EXPECT_EQ(s.next().kind, Kind::phase_start);
  for (int i = 0; i < 3; ++i) {
    const ScheduledEvent e = s.next();
    EXPECT_EQ(e.kind, Kind::end);
    EXPECT_EQ(e.at, Duration(4s));
  }
  EXPECT_EQ(s.peek_time(), Duration(4s));
}

TEST(Schedule, EmptyProfileEndsAtOnce) {
  const Profile empty = profile_with({});
  Schedule no_phases(empty);
  EXPECT_EQ(no_phases.next().kind, Kind::end);
  Phase ramp = phase("ramp");
  ramp.connections = 5;
  Profile zero_cycles = profile_with({ramp});
  zero_cycles.cycles = 0;
  Schedule s(zero_cycles);
  EXPECT_EQ(s.next().kind, Kind::end);
}

TEST(Schedule, PeekDoesNotConsume) {
  const Profile p = busy_profile(5);
  Schedule s(p);
  for (int i = 0; i < 500; ++i) {
    const Duration peeked = s.peek_time();
    EXPECT_EQ(s.peek_time(), peeked);
    ASSERT_EQ(s.next().at, peeked);
  }
}

TEST(Schedule, MovedScheduleContinuesWhereItWas) {
  const Profile p = busy_profile(5);
  const auto expected = walk(p);
  Schedule a(p);
  for (int i = 0; i < 10; ++i) a.next();
  Schedule b(std::move(a));
  EXPECT_TRUE(same(b.next(), expected[10]));
}

TEST(Schedule, FinalDrainClosesWhatIsStillOpenAtTheEnd) {
  Phase ramp = phase("ramp");
  ramp.connections = 3;
  ramp.duration = 6s;
  Profile p = profile_with({ramp});
  p.close.mix = {choice(ClosePattern::rst, 1)};
  const auto events = walk(p);
  const auto closes = test::of_kind(events, Kind::close);
  ASSERT_EQ(closes.size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(closes[i].conn_id, i);  // oldest first
    EXPECT_EQ(closes[i].at, Duration(6s));
    EXPECT_EQ(closes[i].close->pattern, ClosePattern::rst);
  }
  EXPECT_EQ(events.back().kind, Kind::end);
  EXPECT_EQ(events.back().at, Duration(6s));
}

}  // namespace
}  // namespace wsl
