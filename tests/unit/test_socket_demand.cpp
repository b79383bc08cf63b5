// Tests of the socket and local-port demand walk: levels, held closes, TIME_WAIT during churn, shards, addresses.
#include <gtest/gtest.h>

#include "plan/socket_demand.hpp"
#include "schedule_test_support.hpp"

namespace wsl {
namespace {

using test::choice;
using test::phase;
using test::profile_with;

Profile hold_then_drain(uint32_t level, std::vector<CloseChoice> mix) {
  Phase ramp = phase("ramp");
  ramp.connections = level;
  Phase drain = phase("drain");
  drain.close_all = true;
  Profile p = profile_with({ramp, drain});
  p.close.mix = std::move(mix);
  return p;
}

// `level` connections churned at `rate` for `seconds`, closed with `mix`.
Profile churn(uint32_t level, double rate, Duration seconds, std::vector<CloseChoice> mix) {
  Phase ramp = phase("ramp");
  ramp.connections = level;
  Phase churning = phase("churn");
  churning.connections = level;
  churning.churn_rate = rate;
  churning.duration = seconds;
  Profile p = profile_with({ramp, churning});
  p.close.mix = std::move(mix);
  return p;
}

CloseChoice held(ClosePattern pattern, Duration hold) {
  CloseChoice c = choice(pattern, 1);
  c.hold = hold;
  return c;
}

TEST(PortHold, FollowsWhoSendsTheFirstFin) {
  EXPECT_FALSE(port_hold_after_close(choice(ClosePattern::clean, 1)).time_wait);  // the server closes TCP first
  EXPECT_FALSE(port_hold_after_close(choice(ClosePattern::rst, 1)).time_wait);
  EXPECT_TRUE(port_hold_after_close(choice(ClosePattern::fin, 1)).time_wait);
  EXPECT_TRUE(port_hold_after_close(choice(ClosePattern::close_no_wait, 1)).time_wait);
  CloseChoice abort = choice(ClosePattern::handshake_abort, 1);
  abort.by = DropBy::rst;
  EXPECT_FALSE(port_hold_after_close(abort).time_wait);
  abort.by = DropBy::fin;
  EXPECT_TRUE(port_hold_after_close(abort).time_wait);
  const PortHold stall = port_hold_after_close(held(ClosePattern::stall, 30s));
  EXPECT_EQ(stall.socket, Duration(30s));
  EXPECT_FALSE(stall.time_wait);  // it ends with an RST
}

TEST(SocketDemand, AHeldLevelNeedsOnePortPerConnection) {
  const SocketDemand d = estimate_socket_demand(hold_then_drain(500, {choice(ClosePattern::clean, 1)}), {});
  EXPECT_EQ(d.peak_open, 500u);
  EXPECT_EQ(d.peak_sockets, 500u);
  ASSERT_EQ(d.peak_ports.size(), 1u);
  EXPECT_EQ(d.peak_ports[0], 500u);
  EXPECT_EQ(d.time_wait_at_peak[0], 0u);
  EXPECT_TRUE(d.complete);
}

TEST(SocketDemand, ResetChurnReusesPortsAtOnce) {
  const SocketDemand d = estimate_socket_demand(churn(100, 50, 10s, {choice(ClosePattern::rst, 1)}), {});
  EXPECT_EQ(d.peak_ports[0], 100u);
  EXPECT_EQ(d.peak_sockets, 100u);
}

TEST(SocketDemand, FinChurnKeepsPortsInTimeWait) {
  // 50 closes/s whose port stays taken 60 s: 3000 ports in TIME_WAIT after a minute, on top of the 100 open.
  const SocketDemand d = estimate_socket_demand(churn(100, 50, 90s, {choice(ClosePattern::fin, 1)}), {});
  EXPECT_EQ(d.peak_sockets, 100u);  // TIME_WAIT holds a port, not a file descriptor
  EXPECT_NEAR(double(d.peak_ports[0]), 3100, 2);
  EXPECT_NEAR(double(d.time_wait_at_peak[0]), 3000, 2);
}

TEST(SocketDemand, ShorterTimeWaitWhereTheKernelReusesPorts) {
  SocketDemandModel model;
  model.time_wait = 1s;
  const SocketDemand d = estimate_socket_demand(churn(100, 50, 90s, {choice(ClosePattern::fin, 1)}), model);
  EXPECT_NEAR(double(d.peak_ports[0]), 150, 2);
}

TEST(SocketDemand, HeldClosesKeepTheirSocketsWhileNewOnesOpen) {
  // Every churned connection stalls 10 s before its RST: 20/s × 10 s = 200 sockets beyond the level.
  const SocketDemand d = estimate_socket_demand(churn(100, 20, 30s, {held(ClosePattern::stall, 10s)}), {});
  EXPECT_EQ(d.peak_open, 100u);
  EXPECT_NEAR(double(d.peak_sockets), 300, 2);
  EXPECT_NEAR(double(d.peak_ports[0]), 300, 2);
  EXPECT_EQ(d.time_wait_at_peak[0], 0u);
}

TEST(SocketDemand, TimeWaitOfOneCycleMeetsTheNextCyclesOpens) {
  // A mass FIN-disconnect of 1000, then the next cycle opens 1000 more within the minute.
  Profile p = hold_then_drain(1000, {choice(ClosePattern::fin, 1)});
  p.cycles = 2;
  const SocketDemand d = estimate_socket_demand(p, {});
  EXPECT_EQ(d.peak_sockets, 1000u);
  EXPECT_EQ(d.peak_ports[0], 2000u);
  EXPECT_EQ(d.time_wait_at_peak[0], 1000u);
}

TEST(SocketDemand, HandshakeAbortsNeverCountAsOpenButTheirFinLeavesTimeWait) {
  CloseChoice abort = choice(ClosePattern::handshake_abort, 1);
  abort.by = DropBy::fin;
  const SocketDemand d = estimate_socket_demand(hold_then_drain(300, {abort}), {});
  EXPECT_EQ(d.peak_open, 0u);
  EXPECT_EQ(d.peak_ports[0], 300u);
  EXPECT_EQ(d.time_wait_at_peak[0], 299u);  // the last abort's socket is still closing at the peak
}

TEST(SocketDemand, ShardsAndSourceAddressesSplitTheDemand) {
  const Profile p = hold_then_drain(1000, {choice(ClosePattern::clean, 1)});
  SocketDemandModel model;
  model.shard_index = 1;
  model.shard_count = 4;
  EXPECT_EQ(estimate_socket_demand(p, model).peak_open, 250u);

  model = {};
  model.source_address_count = 3;
  const SocketDemand spread = estimate_socket_demand(p, model);
  ASSERT_EQ(spread.peak_ports.size(), 3u);
  EXPECT_EQ(spread.peak_ports[0], 334u);  // ids 0, 3, 6, ..., 999
  EXPECT_EQ(spread.peak_ports[1], 333u);
  EXPECT_EQ(spread.peak_ports[2], 333u);

  // Two shards over two addresses: shard 0 owns the even ids, so it only ever uses address 0.
  model.source_address_count = 2;
  model.shard_count = 2;
  const SocketDemand shard0 = estimate_socket_demand(p, model);
  EXPECT_EQ(shard0.peak_ports[0], 500u);
  EXPECT_EQ(shard0.peak_ports[1], 0u);
}

TEST(SocketDemand, AnEventBudgetBoundsLongRuns) {
  SocketDemandModel model;
  model.event_budget = 1000;
  const SocketDemand d = estimate_socket_demand(churn(100, 50, 1h, {choice(ClosePattern::rst, 1)}), model);
  EXPECT_FALSE(d.complete);
  EXPECT_GT(d.walked, Duration::zero());
  EXPECT_LT(d.walked, Duration(1h));
  EXPECT_EQ(d.peak_open, 100u);
}

}  // namespace
}  // namespace wsl
