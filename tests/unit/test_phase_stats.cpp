// Per-phase figures: histogram differences and the worker's recorder that takes them at each phase start.
#include <gtest/gtest.h>

#include "stats/phase_stats.hpp"

namespace wsl {
namespace {

using namespace std::chrono_literals;

TEST(HistogramSince, KeepsOnlyWhatCameAfterTheCopy) {
  LatencyHistogram h;
  for (int i = 0; i < 100; ++i) h.record(1ms);
  h.record(900ms);  // the earlier phase's outlier
  const LatencyHistogram copy = h;
  for (int i = 0; i < 50; ++i) h.record(20ms);
  const LatencyHistogram later = h.since(copy);
  EXPECT_EQ(later.count(), 50u);
  EXPECT_NEAR(later.quantile(0.99).count(), Duration(20ms).count(), Duration(20ms).count() / 16);
  EXPECT_NEAR(later.mean().count(), Duration(20ms).count(), 1000);
  // The old max is not this phase's: its max is bounded by its own highest bucket.
  EXPECT_LE(later.max(), 22ms);
  EXPECT_GE(later.max(), 20ms);
  EXPECT_GE(later.min(), 18ms);
}

TEST(HistogramSince, ANewExtremeIsExact) {
  LatencyHistogram h;
  h.record(5ms);
  const LatencyHistogram copy = h;
  h.record(7'123us);
  h.record(3'001us);
  const LatencyHistogram later = h.since(copy);
  EXPECT_EQ(later.max(), 7'123us);
  EXPECT_EQ(later.min(), 3'001us);
  EXPECT_EQ(h.since(h).count(), 0u);
  EXPECT_EQ(LatencyHistogram().since(LatencyHistogram()).count(), 0u);
}

RunStats totals(uint64_t attempted, uint64_t opened, uint64_t refused, Duration handshake, int handshakes) {
  RunStats s;
  s.connects_attempted = attempted;
  s.connections_opened = opened;
  if (refused) s.connect_errors["handshake_status"] = refused;
  for (int i = 0; i < handshakes; ++i) s.handshake_latency.record(handshake);
  return s;
}

TEST(PhaseRecorder, EachPhaseIsWhatTheTotalsGainedWhileItRan) {
  PhaseRecorder recorder;
  RunStats running = totals(0, 0, 0, 0ms, 0);
  recorder.phase_started(0, 0s, running, 0);
  running = totals(100, 100, 0, 2ms, 100);
  recorder.phase_started(1, 10s, running, 100);
  running.connects_attempted = 250;
  running.connections_opened = 200;
  running.connect_errors["handshake_status"] = 50;
  for (int i = 0; i < 100; ++i) running.handshake_latency.record(40ms);
  running.patterns[int(ClosePattern::clean)].started = 30;
  recorder.finished(25s, running, 170);

  const auto& phases = recorder.phases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].phase_index, 0u);
  EXPECT_EQ(phases[0].start, 0s);
  EXPECT_EQ(phases[0].end, 10s);
  EXPECT_EQ(phases[0].connects_attempted, 100u);
  EXPECT_EQ(phases[0].connect_error_total(), 0u);
  EXPECT_EQ(phases[0].open_at_end, 100u);
  EXPECT_EQ(phases[1].start, 10s);
  EXPECT_EQ(phases[1].end, 25s);
  EXPECT_EQ(phases[1].connects_attempted, 150u);
  EXPECT_EQ(phases[1].connections_opened, 100u);
  EXPECT_EQ(phases[1].connect_errors.at("handshake_status"), 50u);
  EXPECT_EQ(phases[1].closes_started, 30u);
  EXPECT_EQ(phases[1].handshake_latency.count(), 100u);
  EXPECT_NEAR(phases[1].handshake_latency.quantile(0.5).count(), Duration(40ms).count(), Duration(40ms).count() / 16);
  EXPECT_EQ(phases[1].open_at_start, 100u);
  EXPECT_EQ(phases[1].open_at_end, 170u);
}

TEST(PhaseRecorder, WorkersMergeByPhase) {
  PhaseStats a, b, c;
  a.phase_index = 0, a.start = 0s, a.end = 5s, a.connects_attempted = 10, a.open_at_end = 10;
  b.phase_index = 0, b.start = 0s, b.end = 6s, b.connects_attempted = 12, b.open_at_end = 11;
  c.phase_index = 1, c.start = 6s, c.end = 8s, c.connects_attempted = 1;
  b.connect_errors["connection_refused"] = 2;
  const auto merged = merge_phases({{a}, {b, c}});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].connects_attempted, 22u);
  EXPECT_EQ(merged[0].open_at_end, 21u);
  EXPECT_EQ(merged[0].end, 6s) << "the phase lasts until the last worker left it";
  EXPECT_EQ(merged[0].connect_error_total(), 2u);
  EXPECT_EQ(merged[1].phase_index, 1u);
}

}  // namespace
}  // namespace wsl
