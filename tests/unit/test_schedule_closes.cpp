// Tests of how connections are closed: close-all instant and paced, the mix in force, weights and defaults.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "plan/close_mix_picker.hpp"
#include "plan/schedule.hpp"
#include "schedule_test_support.hpp"

namespace wsl {
namespace {

using Kind = ScheduledEvent::Kind;
using test::choice;
using test::of_kind;
using test::phase;
using test::profile_with;
using test::walk;

Phase instant_up(uint32_t n) {
  Phase p = phase("up");
  p.connections = n;
  p.duration = 1s;
  return p;
}

TEST(ScheduleCloses, CloseAllWithoutRateDropsEveryConnectionInOneInstant) {
  Phase drop = phase("mass-disconnect");
  drop.close_all = true;
  drop.duration = 5s;
  const auto events = walk(profile_with({instant_up(1000), drop}));
  const auto closes = of_kind(events, Kind::close);
  ASSERT_EQ(closes.size(), 1000u);
  for (uint64_t k = 0; k < closes.size(); ++k) {
    ASSERT_EQ(closes[k].at, Duration(1s));
    ASSERT_EQ(closes[k].conn_id, k);
    ASSERT_EQ(closes[k].phase_index, 1u);
  }
  EXPECT_EQ(events.back().at, Duration(6s));
}

TEST(ScheduleCloses, CloseAllAtARateIsPacedAndTheRunEndsAtTheLastClose) {
  Phase drain = phase("drain");
  drain.close_all = true;
  drain.close_rate = 4;
  const auto events = walk(profile_with({instant_up(8), drain}));
  const auto closes = of_kind(events, Kind::close);
  ASSERT_EQ(closes.size(), 8u);
  for (uint64_t k = 0; k < 8; ++k) EXPECT_EQ(closes[k].at, Duration(1s) + Duration(250ms) * k);
  EXPECT_EQ(events.back().kind, Kind::end);
  EXPECT_EQ(events.back().at, Duration(2750ms));
}

TEST(ScheduleCloses, ProfileMixWeightsAreHonoured) {
  Phase drop = phase("drop");
  drop.close_all = true;
  Profile p = profile_with({instant_up(20000), drop}, 42);
  p.close.mix = {choice(ClosePattern::clean, 60),        choice(ClosePattern::rst, 15),
                 choice(ClosePattern::fin, 10),          choice(ClosePattern::close_timeout, 5),
                 choice(ClosePattern::stall, 5),         choice(ClosePattern::handshake_abort, 5)};
  std::map<const CloseChoice*, int> counts;
  const auto events = walk(p);
  for (const auto& e : of_kind(events, Kind::close)) ++counts[e.close];
  // handshake_abort is drawn as a connection opens: its open event carries the choice.
  for (const auto& e : of_kind(events, Kind::open))
    if (e.close) ++counts[e.close];
  int total = 0;
  for (const CloseChoice& c : p.close.mix) {
    const double share = c.weight / 100;
    EXPECT_NEAR(counts[&c], 20000 * share, 4 * std::sqrt(20000 * share * (1 - share)))
        << "pattern " << static_cast<int>(c.pattern);
    total += counts[&c];
  }
  EXPECT_EQ(total, 20000);  // every close points into the profile's mix
}

TEST(ScheduleCloses, ZeroWeightEntriesAreNeverPicked) {
  Phase drop = phase("drop");
  drop.close_all = true;
  Profile p = profile_with({instant_up(5000), drop});
  p.close.mix = {choice(ClosePattern::rst, 0), choice(ClosePattern::fin, 1), choice(ClosePattern::stall, 0)};
  for (const auto& e : of_kind(walk(p), Kind::close)) ASSERT_EQ(e.close, &p.close.mix[1]);
}

TEST(ScheduleCloses, APhaseMixOverridesTheProfileMixForItsCloses) {
  Phase drop_half = phase("drop-half");
  drop_half.connections = 5;
  drop_half.duration = 1s;
  drop_half.mix = {choice(ClosePattern::rst, 1)};
  Phase rest = phase("rest");
  rest.duration = 1s;
  Profile p = profile_with({instant_up(10), drop_half, rest});
  p.close.mix = {choice(ClosePattern::clean, 1, 4001)};
  const auto closes = of_kind(walk(p), Kind::close);
  ASSERT_EQ(closes.size(), 10u);
  for (const auto& e : closes) {
    if (e.phase_index == 1) {
      EXPECT_EQ(e.close, &p.phases[1].mix[0]);
    } else {
      EXPECT_EQ(e.close, &p.close.mix[0]);  // the final drain, in phase "rest", uses the profile mix
      EXPECT_EQ(e.close->code, 4001);
    }
  }
}

TEST(ScheduleCloses, WithoutAnyMixClosesAreCleanWithCode1000) {
  Phase drop = phase("drop");
  drop.close_all = true;
  const Profile p = profile_with({instant_up(3), drop});
  const auto closes = of_kind(walk(p), Kind::close);
  ASSERT_EQ(closes.size(), 3u);
  for (const auto& e : closes) {
    EXPECT_EQ(e.close, &default_close_choice());
    EXPECT_EQ(e.close->pattern, ClosePattern::clean);
    EXPECT_EQ(e.close->code, 1000);
  }
}

TEST(ScheduleCloses, AConnectionsPickDependsOnlyOnSeedAndId) {
  // Two different profiles with the same seed and mix give the same connection the same pattern.
  Phase drop = phase("drop");
  drop.close_all = true;
  Phase slow = phase("slow");
  slow.connections = 200;
  slow.connect_rate = 50;
  Profile a = profile_with({instant_up(200), drop}, 9);
  Profile b = profile_with({slow, drop}, 9);
  a.close.mix = b.close.mix = {choice(ClosePattern::clean, 1), choice(ClosePattern::rst, 1)};
  std::map<uint64_t, ClosePattern> in_a;
  for (const auto& e : of_kind(walk(a), Kind::close)) in_a[e.conn_id] = e.close->pattern;
  const auto closes_b = of_kind(walk(b), Kind::close);
  ASSERT_EQ(closes_b.size(), 200u);
  for (const auto& e : closes_b) EXPECT_EQ(in_a.at(e.conn_id), e.close->pattern);
}

TEST(ScheduleCloses, HandshakeAbortIsDecidedAtOpenAndNeverClosedLater) {
  Phase drop = phase("drop");
  drop.close_all = true;
  Profile p = profile_with({instant_up(2000), drop}, 9);
  CloseChoice abort = choice(ClosePattern::handshake_abort, 1);
  p.close.mix = {choice(ClosePattern::clean, 3), abort};
  const auto events = walk(p);
  std::set<uint64_t> aborted;
  for (const auto& e : of_kind(events, Kind::open))
    if (e.close) {
      EXPECT_EQ(e.close->pattern, ClosePattern::handshake_abort);
      aborted.insert(e.conn_id);
    }
  EXPECT_NEAR(double(aborted.size()), 500.0, 4 * std::sqrt(2000 * 0.25 * 0.75));
  const auto closes = of_kind(events, Kind::close);
  EXPECT_EQ(closes.size() + aborted.size(), 2000u);  // every connection ends exactly once
  for (const auto& e : closes) {
    EXPECT_EQ(aborted.count(e.conn_id), 0u) << e.conn_id;
    EXPECT_EQ(e.close->pattern, ClosePattern::clean);
  }
}

}  // namespace
}  // namespace wsl
