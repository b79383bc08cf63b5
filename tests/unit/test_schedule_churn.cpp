// Tests of churn phases: level held, churn count, oldest replaced first, and bounded memory over long churns.
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

Profile ramp_then_churn(uint32_t level, double churn_rate, Duration churn_for) {
  Phase ramp = phase("ramp");
  ramp.connections = level;
  ramp.duration = 1s;
  Phase churn = phase("churn");
  churn.connections = level;
  churn.churn_rate = churn_rate;
  churn.duration = churn_for;
  return profile_with({ramp, churn});
}

TEST(ScheduleChurn, KeepsTheLevelAndChurnsAtTheRate) {
  const auto events = walk(ramp_then_churn(50, 200, 2s));
  int64_t open = 0;
  int churn_closes = 0, churn_opens = 0;
  for (const auto& e : events) {
    if (e.kind == Kind::open) ++open;
    if (e.kind == Kind::close) --open;
    if (e.phase_index == 1 && e.kind == Kind::close && e.at < 3s) ++churn_closes;
    if (e.phase_index == 1 && e.kind == Kind::open) {
      ++churn_opens;
      EXPECT_EQ(open, 50) << "after churn open at " << e.at.count();
    }
  }
  EXPECT_EQ(churn_closes, 400);  // 200/s for 2 s
  EXPECT_EQ(churn_opens, 400);
  EXPECT_EQ(test::peak_open(events), 50);
}

TEST(ScheduleChurn, ClosesTheOldestAndOpensAtTheSameInstant) {
  const auto events = walk(ramp_then_churn(5, 10, 1s));
  std::vector<ScheduledEvent> churn;
  for (const auto& e : events) {
    if (e.phase_index == 1 && e.kind != Kind::phase_start && e.at < 2s) churn.push_back(e);
  }
  ASSERT_EQ(churn.size(), 20u);
  for (uint64_t k = 0; k < 10; ++k) {
    const ScheduledEvent& close = churn[2 * k];
    const ScheduledEvent& open = churn[2 * k + 1];
    EXPECT_EQ(close.kind, Kind::close);
    EXPECT_EQ(open.kind, Kind::open);
    EXPECT_EQ(close.at, Duration(1s) + Duration(100ms) * k);
    EXPECT_EQ(open.at, close.at);
    EXPECT_EQ(close.conn_id, k);      // oldest first
    EXPECT_EQ(open.conn_id, 5 + k);   // fresh ids
  }
}

TEST(ScheduleChurn, WithoutDurationDoesNothing) {
  Phase ramp = phase("ramp");
  ramp.connections = 5;
  ramp.churn_rate = 100;
  const auto events = walk(profile_with({ramp}));
  EXPECT_EQ(of_kind(events, Kind::open).size(), 5u);
}

TEST(ScheduleChurn, LongChurnKeepsInternalStateBounded) {
  // 100 connections churned 100 000 times, with lifetimes as well: state must track only what is open.
  Profile p = ramp_then_churn(100, 1000, 100s);
  p.session.lifetime = {Lifetime::Dist::exponential, 2s, 0ns, 0ns};
  Schedule s(p);
  std::size_t max_pending = 0, max_open = 0;
  uint64_t events = 0;
  for (ScheduledEvent e = s.next(); e.kind != Kind::end; e = s.next()) {
    ++events;
    max_pending = std::max(max_pending, s.pending_count());
    max_open = std::max(max_open, s.open_count());
  }
  EXPECT_GT(events, 200'000u);
  EXPECT_EQ(max_open, 100u);
  // Open connections, plus closed ones waiting in OpenConnections' queue and heap (at most twice the open ones
  // and a slack of 16 each, past which they are compacted), plus a few ready events.
  EXPECT_LE(max_pending, 5 * max_open + 2 * 16 + 4);
  EXPECT_EQ(s.open_count(), 0u);
  EXPECT_EQ(s.pending_count(), 0u);
}

}  // namespace
}  // namespace wsl
