// The capacity search against simulated servers: it finds a known limit within its resolution, and always ends.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "capacity/search_controller.hpp"

namespace wsl {
namespace {

using namespace std::chrono_literals;

struct Walk {
  std::vector<double> levels;
  CapacityResult result;
};

// Runs the search to its end; `holds` plays the server, `host_cap` the highest level this host can run.
Walk search(const CapacitySearch& spec, const std::function<bool(double)>& holds,
            std::optional<double> host_cap = std::nullopt) {
  CapacitySearchController controller(spec);
  Walk walk;
  std::vector<StepResult> steps;
  while (auto level = controller.next_level()) {
    if (host_cap && *level > *host_cap) {
      controller.limit_by_host(*host_cap, "local ports");
      continue;
    }
    walk.levels.push_back(*level);
    StepResult step;
    step.level = *level;
    step.sustained = holds(*level);
    if (!step.sustained) step.failures = {"handshake_error_ratio 0.2 > max 0.001"};
    steps.push_back(step);
    controller.record(*level, step.sustained, false, step.sustained ? "" : step.failures[0]);
    if (walk.levels.size() > 100) break;  // never: the search ends by itself
  }
  walk.result = controller.result(steps);
  return walk;
}

CapacitySearch spec(double start, double factor, std::optional<double> max, uint32_t refine) {
  CapacitySearch s;
  s.start = start;
  s.factor = factor;
  s.max = max;
  s.refine = refine;
  s.step_duration = 20s;
  return s;
}

TEST(SearchController, RaisesThenBisectsAroundAKnownLimit) {
  const Walk walk = search(spec(500, 2, 15000, 3), [](double level) { return level <= 5000; });
  EXPECT_EQ(walk.levels, (std::vector<double>{500, 1000, 2000, 4000, 8000, 6000, 5000, 5500}));
  EXPECT_EQ(walk.result.stop, SearchStop::bracketed);
  EXPECT_EQ(walk.result.sustained, 5000);
  EXPECT_EQ(walk.result.failed, 5500);
  EXPECT_EQ(walk.result.resolution, 500);
  EXPECT_EQ(walk.result.sustained_step, 6u);
  EXPECT_EQ(walk.result.failed_step, 7u);
  EXPECT_EQ(walk.result.failed_because, "handshake_error_ratio 0.2 > max 0.001");
  EXPECT_NE(walk.result.how.find("limit lies in [5000, 5500), resolution 500"), std::string::npos) << walk.result.how;
}

TEST(SearchController, AlwaysBracketsTheLimitWithinItsResolution) {
  for (double limit : {1.0, 37.0, 499.0, 500.0, 777.0, 4999.0, 5001.0, 12345.0}) {
    for (uint32_t refine : {0u, 1u, 3u, 8u}) {
      const Walk walk = search(spec(500, 2, 20000, refine), [&](double level) { return level <= limit; });
      SCOPED_TRACE("limit " + std::to_string(limit) + " refine " + std::to_string(refine));
      ASSERT_EQ(walk.result.stop, SearchStop::bracketed);
      EXPECT_LE(walk.result.sustained.value_or(0), limit);
      EXPECT_GT(*walk.result.failed, limit);
      EXPECT_EQ(*walk.result.resolution, *walk.result.failed - walk.result.sustained.value_or(0));
      // Raises: at most ceil(log2(20000/500)) + 1; then at most `refine` bisections.
      EXPECT_LE(walk.levels.size(), 7u + refine);
    }
  }
}

TEST(SearchController, MaxThatHoldsEndsTheSearchAndSaysHowToGoFurther) {
  const Walk walk = search(spec(500, 2, 3000, 3), [](double) { return true; });
  EXPECT_EQ(walk.levels, (std::vector<double>{500, 1000, 2000, 3000}));
  EXPECT_EQ(walk.result.stop, SearchStop::max_reached);
  EXPECT_EQ(walk.result.sustained, 3000);
  EXPECT_FALSE(walk.result.failed);
  EXPECT_NE(walk.result.further.find("capacity.max"), std::string::npos);
}

TEST(SearchController, ThisHostsLimitEndsTheSearchAndSaysHowToGoFurther) {
  const Walk walk = search(spec(500, 2, std::nullopt, 3), [](double) { return true; }, 28000);
  EXPECT_EQ(walk.levels, (std::vector<double>{500, 1000, 2000, 4000, 8000, 16000, 28000}));
  EXPECT_EQ(walk.result.stop, SearchStop::host_limit);
  EXPECT_EQ(walk.result.sustained, 28000);
  EXPECT_NE(walk.result.further.find("local ports"), std::string::npos) << walk.result.further;
  EXPECT_NE(walk.result.further.find("--shard"), std::string::npos) << walk.result.further;
  EXPECT_NE(walk.result.further.find("source_addresses"), std::string::npos) << walk.result.further;
}

TEST(SearchController, AStepThatRanOutOfLocalPortsIsTheHostsLimitNotTheServers) {
  CapacitySearchController controller(spec(1000, 2, std::nullopt, 3));
  controller.record(*controller.next_level(), true, false);
  EXPECT_EQ(controller.next_level(), 2000);
  controller.record(2000, false, true, "no_local_port×40");
  EXPECT_FALSE(controller.next_level());
  const CapacityResult r = controller.result({});
  EXPECT_EQ(r.stop, SearchStop::host_limit);
  EXPECT_EQ(r.sustained, 1000);
  EXPECT_FALSE(r.failed) << "the server never failed";
  EXPECT_NE(r.further.find("no_local_port"), std::string::npos) << r.further;
}

TEST(SearchController, AFailingStartIsBisectedDownFromZero) {
  const Walk walk = search(spec(500, 2, std::nullopt, 3), [](double level) { return level <= 100; });
  EXPECT_EQ(walk.levels, (std::vector<double>{500, 250, 125, 62}));
  EXPECT_EQ(walk.result.sustained, 62);
  EXPECT_EQ(walk.result.failed, 125);
  const Walk nothing = search(spec(10, 2, std::nullopt, 5), [](double) { return false; });
  EXPECT_FALSE(nothing.result.sustained);
  EXPECT_EQ(nothing.levels, (std::vector<double>{10, 5, 2, 1}));
  EXPECT_EQ(nothing.result.stop, SearchStop::bracketed);
}

TEST(SearchController, ConnectRateLevelsAreWholeOpensPerSecond) {
  CapacitySearch s = spec(100, 1.5, 1000, 4);
  s.of = CapacityQuantity::connect_rate;
  const Walk walk = search(s, [](double rate) { return rate < 420; });
  EXPECT_EQ(walk.levels, (std::vector<double>{100, 150, 225, 338, 507, 422, 380, 401, 411}));
  EXPECT_EQ(walk.result.sustained, 411);
  EXPECT_EQ(walk.result.failed, 422);
  EXPECT_NE(walk.result.how.find("411/s"), std::string::npos) << walk.result.how;
}

TEST(SearchController, InterruptedSaysSo) {
  CapacitySearchController controller(spec(500, 2, std::nullopt, 3));
  controller.record(500, true, false);
  controller.interrupt();
  EXPECT_FALSE(controller.next_level());
  EXPECT_EQ(controller.result({}).stop, SearchStop::interrupted);
}

}  // namespace
}  // namespace wsl
