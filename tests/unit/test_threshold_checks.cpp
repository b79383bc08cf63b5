// The run's threshold checks decide pass/fail from the numbers, and say which numbers.
#include <gtest/gtest.h>

#include "verdict/threshold_checks.hpp"

using namespace wsl;

namespace {
RunStats stats_with(uint64_t attempted, uint64_t failed, Duration handshake_each) {
  RunStats s;
  s.connects_attempted = attempted;
  if (failed) s.connect_errors["connection_refused"] = failed;
  for (uint64_t i = 0; i < attempted - failed; ++i) s.handshake_latency.record(handshake_each);
  return s;
}
}  // namespace

TEST(ThresholdChecks, PassWithinLimits) {
  Checks checks;
  auto results = evaluate_threshold_checks(checks, stats_with(10000, 5, 10ms));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].passed) << results[0].line();
  EXPECT_NE(results[0].detail.find("5 of 10000"), std::string::npos);
  EXPECT_TRUE(results[1].passed) << results[1].line();
  EXPECT_EQ(results[2].name, "dropped_by_server");
  EXPECT_TRUE(results[2].passed) << results[2].line();
}

TEST(ThresholdChecks, ErrorRatioAboveMaxFails) {
  Checks checks;
  checks.handshake_error_ratio_max = 0.001;
  auto results = evaluate_threshold_checks(checks, stats_with(1000, 2, 10ms));
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].line().rfind("FAIL handshake_error_ratio", 0), 0u) << results[0].line();
}

TEST(ThresholdChecks, SlowHandshakesFailP99) {
  Checks checks;
  checks.handshake_p99_max = 250ms;
  auto results = evaluate_threshold_checks(checks, stats_with(100, 0, 400ms));
  EXPECT_FALSE(results[1].passed) << results[1].line();
}

TEST(ThresholdChecks, NoHandshakeAtAllFails) {
  Checks checks;
  auto results = evaluate_threshold_checks(checks, stats_with(50, 50, 1ms));
  EXPECT_FALSE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
}

TEST(ThresholdChecks, AbortingEveryHandshakeOnPurposePassesP99) {
  Checks checks;
  RunStats s;
  s.connects_attempted = 40;
  s.patterns[int(ClosePattern::handshake_abort)].started = 40;
  auto results = evaluate_threshold_checks(checks, s);
  EXPECT_TRUE(results[0].passed) << results[0].line();
  EXPECT_TRUE(results[1].passed) << results[1].line();
  s.patterns[int(ClosePattern::handshake_abort)].started = 39;  // one was meant to complete and did not
  EXPECT_FALSE(evaluate_threshold_checks(checks, s)[1].passed);
}

TEST(ThresholdChecks, ConnectionsDroppedWithoutACloseFrameFailTheRun) {
  Checks checks;
  RunStats stats = stats_with(300, 0, 10ms);
  stats.dropped_by_server = 312;
  stats.server_close_codes[0] = 300;   // TCP ended with no Close frame: a crash, or a server dropping peers
  stats.server_close_codes[1001] = 12;  // closed deliberately with a Close frame: not counted
  const CheckResult dropped = dropped_by_server_check(checks, stats);
  EXPECT_FALSE(dropped.passed);
  EXPECT_EQ(dropped.line(),
            "FAIL dropped_by_server: 300 open connections ended by the server without a Close frame > max 0 (12 more "
            "closed by the server with a Close frame, not counted)");
  checks.dropped_by_server_max = 300;
  EXPECT_TRUE(dropped_by_server_check(checks, stats).passed);
}

TEST(ThresholdChecks, AServerThatDiedFailsTheRunSayingHow) {
  const CheckResult gone = server_alive_check(std::string("server pid 4242 was gone at 6.00s (killed by signal 9 (SIGKILL))"));
  EXPECT_FALSE(gone.passed);
  EXPECT_EQ(gone.line(), "FAIL server: server pid 4242 was gone at 6.00s (killed by signal 9 (SIGKILL))");
  EXPECT_TRUE(server_alive_check(std::nullopt).passed);
}
