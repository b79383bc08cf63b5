// Cutting the monitor's series into baseline and per-cycle settled samples, and naming resource values.
#include <gtest/gtest.h>

#include "verdict/leak_evidence.hpp"

namespace wsl {
namespace {

ResourceSample sample_at(int64_t at_ns, int64_t fds, int64_t close_wait, int64_t owned) {
  ResourceSample s;
  s.at_ns = at_ns;
  ProcessSample p;
  p.alive = true;
  p.open_fds = fds;
  p.rss_bytes = 1000;
  s.process = p;
  SocketStateCounts counts;
  counts.close_wait = close_wait;
  counts.time_wait = 7;  // the kernel's, never part of "sockets"
  s.sockets = counts;
  s.sockets_owned = owned;
  return s;
}

TEST(LeakEvidence, SplitsTheSeriesByWindow) {
  const std::vector<ResourceSample> series = {
      sample_at(0, 10, 0, 1), sample_at(100, 11, 0, 1),    // baseline
      sample_at(500, 90, 5, 40),                           // under load: in no window
      sample_at(1000, 12, 2, 3), sample_at(1100, 12, 2, 3),  // cycle 1 settled
      sample_at(2000, 14, 4, 5),                           // cycle 2 settled
  };
  const auto evidence = collect_leak_evidence(series, {0, 100}, {{1000, 1100}, {2000, 2000}});
  std::map<std::string, ResourceSamples> by_name;
  for (const auto& r : evidence) by_name[r.resource] = r;
  ASSERT_TRUE(by_name.count("fds"));
  EXPECT_EQ(by_name["fds"].baseline, (std::vector<double>{10, 11}));
  ASSERT_EQ(by_name["fds"].settled.size(), 2u);
  EXPECT_EQ(by_name["fds"].settled[0], (std::vector<double>{12, 12}));
  EXPECT_EQ(by_name["fds"].settled[1], (std::vector<double>{14}));
  EXPECT_EQ(by_name["sockets.close_wait"].settled[1], (std::vector<double>{4}));
  EXPECT_EQ(by_name["sockets"].baseline, (std::vector<double>{1, 1}));  // owned sockets, not TIME_WAIT
  EXPECT_EQ(by_name["sockets.time_wait"].baseline, (std::vector<double>{7, 7}));
}

TEST(LeakEvidence, PeakRssAndCpuTimeAreRecordedButNeverJudged) {
  ResourceSample s = sample_at(0, 10, 0, 0);
  s.process->rss_peak_bytes = 5000;
  s.process->cpu_seconds = 1.5;
  const auto values = resource_values(s);
  EXPECT_EQ(values.at("rss_peak"), 5000);
  EXPECT_EQ(values.at("cpu_seconds"), 1.5);
  for (const auto& r : collect_leak_evidence({s}, {0, 0}, {{0, 0}})) {
    EXPECT_NE(r.resource, "rss_peak");
    EXPECT_NE(r.resource, "cpu_seconds");
  }
}

TEST(LeakEvidence, ADeadProcessGivesNoProcessValues) {
  ResourceSample s = sample_at(0, 10, 0, 0);
  s.process->alive = false;
  const auto values = resource_values(s);
  EXPECT_EQ(values.count("fds"), 0u);
  EXPECT_EQ(values.count("rss"), 0u);
  EXPECT_EQ(values.count("sockets"), 1u);  // the port's sockets are still observable
}

TEST(LeakEvidence, ScrapedSeriesArePrefixed) {
  ResourceSample s;
  s.scraped["process_open_fds"] = 42;
  const auto values = resource_values(s);
  ASSERT_EQ(values.count("scrape:process_open_fds"), 1u);
  EXPECT_EQ(values.at("scrape:process_open_fds"), 42);
}

}  // namespace
}  // namespace wsl
