// Steps: their figures, the thresholds that make them sustained, the level of a stepped run, and a search step's block.
#include <gtest/gtest.h>

#include "capacity/capacity_result.hpp"
#include "capacity/step_result.hpp"
#include "plan/capacity_steps.hpp"

namespace wsl {
namespace {

using namespace std::chrono_literals;

ResourceSample cpu_sample(double at_s, double cpu_seconds, int64_t rss, int fds) {
  ResourceSample s;
  s.at_ns = int64_t(at_s * 1e9);
  ProcessSample p;
  p.alive = true;
  p.cpu_seconds = cpu_seconds;
  p.rss_bytes = rss;
  p.open_fds = fds;
  s.process = p;
  return s;
}

PhaseStats phase_of(uint64_t attempted, uint64_t errors, Duration handshake) {
  PhaseStats p;
  p.connects_attempted = attempted;
  p.connections_opened = attempted - errors;
  if (errors) p.connect_errors["handshake_status"] = errors;
  for (uint64_t i = 0; i < attempted - errors; ++i) p.handshake_latency.record(handshake);
  p.messages_sent = 2000;
  p.messages_received = 2000;
  p.open_at_end = attempted - errors;
  return p;
}

StepFrame frame(double level, double from_s = 10, double to_s = 20) {
  return {.name = "step", .cycle = 1, .of = CapacityQuantity::connections, .level = level,
          .start_ns = int64_t(from_s * 1e9), .end_ns = int64_t(to_s * 1e9)};
}

TEST(StepFigures, RatesAndServerFiguresComeFromTheStepsWindow) {
  const std::vector<ResourceSample> series = {cpu_sample(9, 100, 1 << 20, 10), cpu_sample(10, 100, 2 << 20, 600),
                                              cpu_sample(15, 102, 9 << 20, 1010), cpu_sample(20, 105, 8 << 20, 1009),
                                              cpu_sample(21, 200, 99 << 20, 9)};
  const StepResult step = measure_step(frame(1000), phase_of(1000, 0, 2ms), series);
  EXPECT_DOUBLE_EQ(step.opens_per_second, 100);
  ASSERT_TRUE(step.server_cpu_share);
  EXPECT_DOUBLE_EQ(*step.server_cpu_share, 0.5) << "5 CPU seconds over the 10 s between the step's samples";
  EXPECT_DOUBLE_EQ(*step.server_cpu_per_connection, 5.0 / 1000);
  EXPECT_DOUBLE_EQ(*step.server_cpu_per_message, 5.0 / 2000);
  EXPECT_EQ(*step.server_rss_bytes, double(9 << 20)) << "the highest sample inside the window, not after it";
  EXPECT_EQ(*step.server_fds, 1010);
  EXPECT_FALSE(measure_step(frame(1000), phase_of(1000, 0, 2ms), {}).server_cpu_share);
}

TEST(StepJudgement, EachThresholdCanFailAStepAndTheFirstFailureNamesIt) {
  Checks checks;
  checks.handshake_error_ratio_max = 0.01;
  checks.handshake_p99_max = 100ms;
  StepResult ok = measure_step(frame(1000), phase_of(1000, 5, 2ms), {});
  judge_step(ok, checks);
  EXPECT_TRUE(ok.sustained) << ok.failures.size();

  StepResult refused = measure_step(frame(1000), phase_of(1000, 50, 2ms), {});
  judge_step(refused, checks);
  EXPECT_FALSE(refused.sustained);
  EXPECT_EQ(refused.failed_check, "handshake_error_ratio");
  EXPECT_EQ(refused.failures.front(), "handshake_error_ratio 0.0500 > max 0.0100 (50 of 1000 failed)");

  StepResult slow = measure_step(frame(1000), phase_of(1000, 0, 300ms), {});
  judge_step(slow, checks);
  EXPECT_EQ(slow.failed_check, "handshake_p99");

  PhaseStats echoes = phase_of(100, 0, 1ms);
  for (int i = 0; i < 100; ++i) echoes.message_rtt.record(80ms);
  StepResult rtt = measure_step(frame(100), echoes, {});
  judge_step(rtt, checks);
  EXPECT_TRUE(rtt.sustained) << "message RTT is judged only with checks.message_rtt_p99_max";
  checks.message_rtt_p99_max = 50ms;
  judge_step(rtt, checks);
  EXPECT_EQ(rtt.failed_check, "message_rtt_p99");

  StepResult busy =
      measure_step(frame(100), phase_of(100, 0, 1ms), {cpu_sample(10, 0, 1, 1), cpu_sample(20, 9.5, 1, 1)});
  judge_step(busy, checks);
  EXPECT_TRUE(busy.sustained);
  checks.server_cpu_max = 0.9;
  judge_step(busy, checks);
  EXPECT_EQ(busy.failures.front(), "server_cpu 95% of a core > max 90%");

  PhaseStats dropped = phase_of(100, 0, 1ms);
  dropped.dropped_by_server = 3;
  StepResult drops = measure_step(frame(100), dropped, {});
  judge_step(drops, checks);
  EXPECT_EQ(drops.failed_check, "dropped_by_server");
}

TEST(StepJudgement, HostLimitsAreCalledWhatTheyAre) {
  Checks checks;
  PhaseStats issued_only;
  issued_only.connects_attempted = 40;  // an instant ramp: its handshakes complete in the next phase
  StepResult instant = measure_step(frame(40), issued_only, {});
  judge_step(instant, checks);
  EXPECT_TRUE(instant.sustained) << instant.failures.size();

  PhaseStats ports = phase_of(1000, 0, 1ms);
  ports.connect_errors["no_local_port"] = 200;
  StepResult out_of_ports = measure_step(frame(1000), ports, {});
  judge_step(out_of_ports, checks);
  EXPECT_FALSE(out_of_ports.sustained);
  EXPECT_TRUE(out_of_ports.host_limited);
}

StepResult step_at(const std::string& name, double level, bool sustained) {
  StepResult s;
  s.name = name;
  s.level = level;
  s.sustained = sustained;
  if (!sustained) s.failures = {"handshake_p99 1s > max 250ms"};
  return s;
}

TEST(SteppedCapacity, TheHighestLevelThatHeldBeforeTheFirstFailure) {
  const CapacityResult r = stepped_capacity({step_at("s1", 1000, true), step_at("s2", 2000, true),
                                             step_at("s3", 3000, false), step_at("s4", 4000, true),
                                             step_at("drain", 0, true)});
  EXPECT_EQ(r.sustained, 2000);
  EXPECT_EQ(r.sustained_step, 1u);
  EXPECT_EQ(r.failed, 3000);
  EXPECT_EQ(r.failed_step, 2u);
  EXPECT_EQ(r.failed_because, "handshake_p99 1s > max 250ms");
  EXPECT_EQ(r.resolution, 1000);
  EXPECT_FALSE(r.stop);

  const CapacityResult none_failed = stepped_capacity({step_at("a", 500, true), step_at("b", 0, true)});
  EXPECT_EQ(none_failed.sustained, 500);
  EXPECT_FALSE(none_failed.failed);
  EXPECT_NE(none_failed.how.find("no step failed"), std::string::npos) << none_failed.how;

  StepResult cut = step_at("c", 9000, false);
  cut.completed = false;
  EXPECT_EQ(stepped_capacity({step_at("a", 500, true), cut}).failed, std::nullopt)
      << "an interrupted step says nothing";
  EXPECT_FALSE(stepped_capacity({step_at("a", 500, false)}).sustained);
}

TEST(CapacityMinCheck, PassesAtOrAboveTheMinimum) {
  CapacityResult r;
  r.sustained = 4000;
  EXPECT_TRUE(capacity_min_check(4000, r).passed);
  const CheckResult low = capacity_min_check(5000, r);
  EXPECT_FALSE(low.passed);
  EXPECT_EQ(low.detail, "sustained 4000 < min 5000 connections");
  EXPECT_FALSE(capacity_min_check(1, CapacityResult{}).passed) << "no step sustained";
}

TEST(PlannedLevels, CarryForwardAndStopWherePacingEnds) {
  std::vector<Phase> phases(5);
  phases[0].connections = 1000;
  phases[1].duration = 30s;  // hold
  phases[2].connections = 5000, phases[2].connect_rate = 500, phases[2].duration = 5s;  // reaches 3500
  phases[3].connections = 100;
  phases[4].close_all = true;
  EXPECT_EQ(planned_levels(phases), (std::vector<double>{1000, 1000, 3500, 100, 0}));
}

TEST(CapacityStep, ConnectionsRampThenHoldThenDrain) {
  Profile profile;
  profile.capacity = CapacitySearch{.start = 500, .step_duration = 20s, .ramp_rate = 1000};
  const CapacityStepPlan plan = capacity_step(profile, 4000);
  EXPECT_EQ(plan.name, "step-4000");
  ASSERT_EQ(plan.profile.phases.size(), 2u);
  EXPECT_EQ(plan.judged_phases, 1u);
  const Phase& step = plan.profile.phases[0];
  EXPECT_EQ(step.connections, 4000u);
  EXPECT_EQ(step.connect_rate, 1000);
  EXPECT_EQ(step.duration, 24s) << "4 s to ramp at 1000/s, then 20 s held";
  EXPECT_TRUE(plan.profile.phases[1].close_all);
  EXPECT_EQ(plan.profile.cycles, 1u);
}

TEST(CapacityStep, ConnectRateOpensAtTheStepsRateThroughout) {
  Profile profile;
  profile.capacity = CapacitySearch{.of = CapacityQuantity::connect_rate, .start = 100, .step_duration = 10s,
                                    .connections = 50};
  const CapacityStepPlan plan = capacity_step(profile, 350);
  EXPECT_EQ(plan.name, "step-350/s");
  ASSERT_EQ(plan.profile.phases.size(), 3u);
  EXPECT_EQ(plan.judged_phases, 2u);
  EXPECT_EQ(plan.profile.phases[0].connections, 50u);
  EXPECT_EQ(plan.profile.phases[0].connect_rate, 350);
  EXPECT_EQ(plan.profile.phases[1].churn_rate, 350);
  EXPECT_EQ(plan.profile.phases[1].duration, 10s);
  EXPECT_TRUE(plan.profile.phases[2].close_all);
}

}  // namespace
}  // namespace wsl
