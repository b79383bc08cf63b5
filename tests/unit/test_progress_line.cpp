// The live progress line: rates from the previous snapshot, closes by pattern, server resources.
#include <gtest/gtest.h>

#include "cli/progress_line.hpp"

namespace wsl {
namespace {

TEST(ProgressLine, RatesAndRecentClosesByPattern) {
  ProgressView v;
  v.elapsed = 12s;
  v.cycle = 2;
  v.cycles = 3;
  v.phase = "churn";
  v.before.connections_opened = 30;
  v.before.closes_started[int(ClosePattern::clean)] = 4;
  v.now.connections_opened = 40;
  v.now.active = 20;
  v.now.connect_errors = 1;
  v.now.closes_started[int(ClosePattern::clean)] = 10;
  v.now.closes_started[int(ClosePattern::rst)] = 4;
  v.since_before = 1s;
  v.server_fds = 48;
  v.server_rss_bytes = 9.2 * 1024 * 1024;
  EXPECT_EQ(progress_line(v),
            "12.0s cycle 2/3 churn | active 20 | opened 40 +10/s | closed 14 +10/s (clean 6, rst 4) | errors 1 | "
            "server fds 48 rss 9.20MiB");
}

TEST(ProgressLine, WithoutMonitorOrPhase) {
  ProgressView v;
  v.since_before = 1s;
  const std::string line = progress_line(v);
  EXPECT_EQ(line.find("server"), std::string::npos) << line;
  EXPECT_NE(line.find("cycle 1/1 | active 0"), std::string::npos) << line;
}

TEST(ProgressLine, ACapacitySearchNamesItsStepNotACycle) {
  ProgressView v;
  v.elapsed = 3s;
  v.search = true;
  v.phase = "step-400";
  v.since_before = 1s;
  EXPECT_EQ(progress_line(v).rfind("3.00s step-400 | active 0 | ", 0), 0u) << progress_line(v);
}

}  // namespace
}  // namespace wsl
