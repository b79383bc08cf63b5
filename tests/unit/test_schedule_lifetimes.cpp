// Tests of session lifetimes in the schedule: exact ends, replacements that keep the level, no double close.
#include <gtest/gtest.h>

#include <map>

#include "plan/lifetime.hpp"
#include "plan/random_draw.hpp"
#include "plan/schedule.hpp"
#include "schedule_test_support.hpp"

namespace wsl {
namespace {

using Kind = ScheduledEvent::Kind;
using test::of_kind;
using test::phase;
using test::profile_with;
using test::walk;

Profile level_with_lifetime(uint32_t level, Duration hold_for, Lifetime lifetime) {
  Phase up = phase("up");
  up.connections = level;
  up.connect_rate = 100;
  Phase hold = phase("hold");
  hold.duration = hold_for;
  Profile p = profile_with({up, hold});
  p.session.lifetime = lifetime;
  return p;
}

TEST(ScheduleLifetimes, FixedLifetimeClosesExactlyThatLongAfterTheOpen) {
  const auto events = walk(level_with_lifetime(10, 10s, {Lifetime::Dist::fixed, 3s, 0ns, 0ns}));
  std::map<uint64_t, Duration> opened_at;
  int lifetime_closes = 0;
  for (const auto& e : events) {
    if (e.kind == Kind::open) opened_at[e.conn_id] = e.at;
    if (e.kind == Kind::close && e.at < events.back().at) {
      EXPECT_EQ(e.at - opened_at.at(e.conn_id), Duration(3s)) << "conn " << e.conn_id;
      ++lifetime_closes;
    }
  }
  // Each of the 10 slots ends and is replaced every 3 s during the 10.09 s before the final drain.
  EXPECT_EQ(lifetime_closes, 30);
}

TEST(ScheduleLifetimes, ReplacementsKeepTheLevel) {
  const auto events = walk(level_with_lifetime(50, 30s, {Lifetime::Dist::exponential, 2s, 0ns, 0ns}));
  int64_t open = 0;
  int replacements = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.kind == Kind::open) ++open;
    if (e.kind == Kind::close) --open;
    if (e.phase_index == 1 && e.kind == Kind::close && e.at < events.back().at) {
      // A lifetime end is followed at once by its replacement, at the same instant.
      ASSERT_LT(i + 1, events.size());
      EXPECT_EQ(events[i + 1].kind, Kind::open);
      EXPECT_EQ(events[i + 1].at, e.at);
      ++replacements;
    }
    if (e.phase_index == 1 && e.kind == Kind::open) {
      EXPECT_EQ(open, 50);
    }
  }
  EXPECT_GT(replacements, 500);  // about 50 * 30 / 2 = 750
  EXPECT_EQ(test::peak_open(events), 50);
}

TEST(ScheduleLifetimes, LifetimeEndsMatchTheDrawForEachConnection) {
  const Lifetime life{Lifetime::Dist::exponential, 5s, 0ns, 0ns};
  const Profile p = level_with_lifetime(20, 60s, life);
  const auto events = walk(p);
  std::map<uint64_t, Duration> opened_at;
  int checked = 0;
  for (const auto& e : events) {
    if (e.kind == Kind::open) opened_at[e.conn_id] = e.at;
    if (e.kind == Kind::close && e.at < events.back().at) {
      const Duration drawn = *draw_lifetime(life, connection_random(p.seed, e.conn_id, RandomStream::lifetime));
      ASSERT_EQ(e.at - opened_at.at(e.conn_id), drawn);
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(ScheduleLifetimes, APhaseCloseCancelsTheLifetimeClose) {
  // Lifetimes of 5 s, but a mass disconnect at 1 s: each connection is closed once, at 1 s.
  Phase up = phase("up");
  up.connections = 20;
  up.duration = 1s;
  Phase drop = phase("drop");
  drop.close_all = true;
  drop.duration = 10s;
  Profile p = profile_with({up, drop});
  p.session.lifetime = {Lifetime::Dist::fixed, 5s, 0ns, 0ns};
  const auto events = walk(p);
  const auto closes = of_kind(events, Kind::close);
  ASSERT_EQ(closes.size(), 20u);
  for (const auto& e : closes) EXPECT_EQ(e.at, Duration(1s));
  EXPECT_EQ(of_kind(events, Kind::open).size(), 20u);
}

TEST(ScheduleLifetimes, NoReplacementWhileClosingAll) {
  // A slow drain of 10 over 10 s while lifetimes of 2.5 s run out: the ended ones are not replaced.
  Phase up = phase("up");
  up.connections = 10;
  Phase drain = phase("drain");
  drain.close_all = true;
  drain.close_rate = 1;
  Profile p = profile_with({up, drain});
  p.session.lifetime = {Lifetime::Dist::fixed, 2500ms, 0ns, 0ns};
  const auto events = walk(p);
  EXPECT_EQ(of_kind(events, Kind::open).size(), 10u);
  EXPECT_EQ(of_kind(events, Kind::close).size(), 10u);
  EXPECT_EQ(events.back().kind, Kind::end);
}

TEST(ScheduleLifetimes, ChurnDoesNotDoubleCloseAConnectionWithALifetime) {
  Phase up = phase("up");
  up.connections = 30;
  Phase churn = phase("churn");
  churn.duration = 20s;
  churn.churn_rate = 20;
  Profile p = profile_with({up, churn});
  p.session.lifetime = {Lifetime::Dist::uniform, 0ns, 500ms, 3s};
  std::map<uint64_t, int> closes;
  for (const auto& e : of_kind(walk(p), Kind::close)) ASSERT_EQ(closes[e.conn_id]++, 0) << e.conn_id;
  EXPECT_GT(closes.size(), 400u);
}

}  // namespace
}  // namespace wsl
