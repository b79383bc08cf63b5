// The capacity search's profile keys and checks.capacity_min and friends: read, defaulted, validated, round-tripped.
#include <gtest/gtest.h>

#include "profile/load_profile.hpp"

namespace wsl {
namespace {

ProfileLoadResult load(const std::string& yaml) {
  return load_profile_text(yaml, "c.yaml", {}, [](const std::string&) { return std::nullopt; });
}

std::string errors_text(const ProfileLoadResult& r) {
  std::string all;
  for (const auto& e : r.errors) all += e.to_string() + "\n";
  return all;
}

TEST(CapacityProfile, ReadsEveryKeyAndNeedsNoPhases) {
  const auto r = load("capacity: {start: 500, factor: 1.5, max: 15000, step_duration: 20s, refine: 4, "
                      "ramp_rate: 2000/s}\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const CapacitySearch& c = *r.profile->capacity;
  EXPECT_EQ(c.of, CapacityQuantity::connections);
  EXPECT_EQ(c.start, 500);
  EXPECT_EQ(c.factor, 1.5);
  EXPECT_EQ(c.max, 15000);
  EXPECT_EQ(c.step_duration, std::chrono::seconds(20));
  EXPECT_EQ(c.refine, 4u);
  EXPECT_EQ(c.ramp_rate, 2000);
  EXPECT_TRUE(r.profile->phases.empty());
}

TEST(CapacityProfile, DefaultsAndConnectRateLevels) {
  const auto r = load("capacity: {of: connect_rate, start: 30/m, connections: 50}\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const CapacitySearch& c = *r.profile->capacity;
  EXPECT_EQ(c.of, CapacityQuantity::connect_rate);
  EXPECT_DOUBLE_EQ(c.start, 0.5);
  EXPECT_EQ(c.factor, 2);
  EXPECT_FALSE(c.max.has_value());
  EXPECT_EQ(c.step_duration, std::chrono::seconds(20));
  EXPECT_EQ(c.refine, 3u);
  EXPECT_EQ(c.connections, 50u);
}

TEST(CapacityProfile, ErrorsNameTheKeyWithFileLineAndColumn) {
  EXPECT_EQ(errors_text(load("capacity: {factor: 2}\n")),
            "c.yaml:1:11: capacity: missing key start (the first level, e.g. start: 500)\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 500, factr: 3}\n")),
            "c.yaml:1:24: capacity.factr: unknown key, did you mean factor?\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 500, factor: 1}\n")),
            "c.yaml:1:32: capacity.factor: expected a factor above 1 (each level is the last one times it), got 1\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 2.5}\n")),
            "c.yaml:1:19: capacity.start: expected a whole number of at least 1, got \"2.5\"\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 500, refine: 99}\n")),
            "c.yaml:1:32: capacity.refine: expected a whole number from 0 to 20, got 99\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 500, of: bytes}\n")),
            "c.yaml:1:28: capacity.of: expected one of connections, connect_rate, got \"bytes\"\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 500, connections: 10}\n")),
            "c.yaml:1:37: capacity.connections: connections is the level churned by of: connect_rate; with of: "
            "connections the steps set the level\n");
  EXPECT_EQ(errors_text(load("capacity: {of: connect_rate, start: 5/s, ramp_rate: 10/s}\n")),
            "c.yaml:1:53: capacity.ramp_rate: ramp_rate paces the ramp of of: connections; with of: connect_rate each "
            "step opens at its own rate\n");
}

TEST(CapacityProfile, CrossKeyRules) {
  EXPECT_EQ(errors_text(load("capacity: {start: 500, max: 100}\n")),
            "c.yaml:1:24: capacity.max: max (100) is below start (500)\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 5}\nphases: [{name: a, duration: 1s}]\n")),
            "c.yaml:2:1: phases: a capacity search makes its own steps (one per level): remove phases, or remove "
            "capacity to run these phases as fixed steps\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 5}\ncycles: 3\n")),
            "c.yaml:2:1: cycles: a capacity search runs its steps once: cycles must be 1\n");
  EXPECT_EQ(errors_text(load("capacity: {start: 5}\nchecks: {leak: {attribute: patterns}}\n")),
            "c.yaml:2:17: checks.leak.attribute: a capacity search runs one block per level; attribution by pattern "
            "needs a run of its own (remove capacity or attribute)\n");
  EXPECT_EQ(errors_text(load("phases: [{name: a, duration: 1s}]\nchecks: {capacity_min: 10/m}\n")),
            "c.yaml:2:10: checks.capacity_min: the sustained level is counted in whole connections; got 0.166667 (a "
            "rate is meant only with capacity.of: connect_rate)\n");
}

TEST(CapacityProfile, StepChecksAcceptPercentagesAndDurations) {
  const auto r = load("phases: [{name: a, duration: 1s}]\n"
                      "checks: {server_cpu_max: 90%, message_rtt_p99_max: 50ms, capacity_min: 4000}\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_DOUBLE_EQ(*r.profile->checks.server_cpu_max, 0.9);
  EXPECT_EQ(*r.profile->checks.message_rtt_p99_max, std::chrono::milliseconds(50));
  EXPECT_EQ(*r.profile->checks.capacity_min, 4000);
  EXPECT_DOUBLE_EQ(*load("phases: [{name: a, duration: 1s}]\nchecks: {server_cpu_max: 1.5}\n")
                        .profile->checks.server_cpu_max, 1.5);
  EXPECT_EQ(errors_text(load("phases: [{name: a, duration: 1s}]\nchecks: {server_cpu_max: 0%}\n")),
            "c.yaml:2:26: checks.server_cpu_max: expected a share of a core above 0, such as 0.9 or 90%, got \"0%\"\n");
}

TEST(CapacityProfile, ValidateOutputLoadsBackTheSame) {
  for (const char* yaml : {"capacity: {start: 500, max: 15000, step_duration: 5s, refine: 2, ramp_rate: 250/s}\n"
                           "checks: {capacity_min: 3000, server_cpu_max: 0.8, message_rtt_p99_max: 100ms}\n",
                           "capacity: {of: connect_rate, start: 50/s, factor: 3, connections: 20}\n"
                           "checks: {capacity_min: 75.5}\n"}) {
    const auto first = load(yaml);
    ASSERT_TRUE(first.errors.empty()) << errors_text(first);
    const std::string printed = render_resolved_profile(*first.profile);
    const auto again = load(printed);
    ASSERT_TRUE(again.errors.empty()) << errors_text(again) << printed;
    EXPECT_EQ(render_resolved_profile(*again.profile), printed);
    EXPECT_EQ(again.profile->capacity, first.profile->capacity);
    EXPECT_EQ(again.profile->checks, first.profile->checks);
  }
}

}  // namespace
}  // namespace wsl
