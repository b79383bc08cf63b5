// Tests the end-of-run summary: the numbers it shows, what it leaves out, and that it fits a screen.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "report/summary.hpp"

namespace wsl {
namespace {

constexpr int idx(ClosePattern p) { return static_cast<int>(p); }
constexpr int idx(CloseOutcome o) { return static_cast<int>(o); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line starting with `prefix`, or "" when there is none.
std::string line_starting(const std::string& text, const std::string& prefix) {
  for (const auto& line : lines_of(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

RunSummary small_run() {
  RunSummary s;
  s.profile_name = "smoke";
  s.target = "embedded server ws://127.0.0.1:40123/";
  s.elapsed = 125s;
  s.workers = 2;
  s.cycles_completed = 1;
  RunStats& st = s.stats;
  st.connects_attempted = 100;
  st.connections_opened = 97;
  st.connect_errors = {{"refused", 2}, {"timeout", 1}};
  st.dropped_by_server = 4;
  st.server_close_codes = {{0, 1}, {1001, 3}};
  st.tcp_closed_by_server = 17;
  st.tcp_closed_by_client = 3;
  st.protocol_errors = {{"masked_frame", 2}};
  st.messages_sent = 1200;
  st.messages_received = 1199;
  st.echo_mismatches = 1;
  st.bytes_sent = 1536ull << 10;
  st.bytes_received = 512;
  st.pings_sent = 30;
  st.pongs_received = 29;
  for (int i = 0; i < 10; ++i) st.handshake_latency.record(2ms);
  st.connect_latency.record(150us);

  PatternStats& clean = st.patterns[idx(ClosePattern::clean)];
  clean.started = 20;
  clean.outcomes[idx(CloseOutcome::completed)] = 18;
  clean.outcomes[idx(CloseOutcome::timed_out)] = 2;
  clean.codes_received = {{1000, 18}, {1001, 2}};
  clean.close_latency.record(3410us);

  PatternStats& rst = st.patterns[idx(ClosePattern::rst)];
  rst.started = 5;
  rst.outcomes[idx(CloseOutcome::completed)] = 5;
  rst.codes_received = {{0, 5}};

  s.check_lines = {"PASS handshake error ratio 0.0300 <= 0.0010", "FAIL fds delta 12 > 8"};
  s.verdict = "FAIL";
  return s;
}

TEST(Summary, HeaderNamesProfileTargetElapsedAndWorkers) {
  const std::string out = render_summary(small_run());
  const std::string header = lines_of(out).front();
  EXPECT_TRUE(contains(header, "profile smoke")) << header;
  EXPECT_TRUE(contains(header, "target embedded server ws://127.0.0.1:40123/")) << header;
  EXPECT_TRUE(contains(header, "elapsed 2m05s")) << header;
  EXPECT_TRUE(contains(header, "workers 2")) << header;
  EXPECT_TRUE(contains(header, "cycles 1")) << header;
  EXPECT_FALSE(contains(header, "INTERRUPTED")) << header;
}

TEST(Summary, ConnectionMessageAndPingTotalsAppear) {
  const std::string out = render_summary(small_run());
  EXPECT_EQ(line_starting(out, "connections"),
            "connections  attempted 100  opened 97  failed 3 (refused×2 timeout×1)  dropped_by_server 4 (none×1 1001×3)");
  EXPECT_EQ(line_starting(out, "messages"),
            "messages     sent 1200  received 1199  echo_mismatches 1  bytes_sent 1.50MiB  bytes_received 512B");
  EXPECT_EQ(line_starting(out, "pings"), "pings        sent 30  pongs 29");
  EXPECT_EQ(line_starting(out, "server"),
            "server       tcp_closed_by_server 17  tcp_closed_by_client 3  protocol_errors 2 (masked_frame×2)");
}

TEST(Summary, GeneratorLineFlagsLeakedFdsAndConnectionsLeftInTheTable) {
  RunSummary s = small_run();
  s.generator_fds_before = s.generator_fds_after = 9;
  EXPECT_EQ(line_starting(render_summary(s), "generator"), "generator    fds before 9  after 9");
  s.generator_fds_after = 11;
  s.stats.connections_left = 2;
  EXPECT_EQ(line_starting(render_summary(s), "generator"),
            "generator    fds before 9  after 11  (LEAKED)  connections left 2 (LEAKED)");
}

TEST(Summary, QuietServerShowsZerosWithoutEmptyParentheses) {
  RunSummary s = small_run();
  s.stats.server_close_codes.clear();
  s.stats.protocol_errors.clear();
  s.stats.connect_errors.clear();
  const std::string out = render_summary(s);
  EXPECT_TRUE(contains(line_starting(out, "connections"), "failed 0  dropped_by_server 4")) << out;
  EXPECT_TRUE(contains(line_starting(out, "server"), "protocol_errors 0")) << out;
  EXPECT_FALSE(contains(out, "()")) << out;
}

TEST(Summary, ClosesTableShowsUsedPatternsOnly) {
  const std::string out = render_summary(small_run());
  const std::string clean = line_starting(out, "clean ");
  ASSERT_FALSE(clean.empty()) << out;
  EXPECT_TRUE(contains(clean, "1000×18 1001×2")) << clean;
  EXPECT_TRUE(contains(clean, "3.41ms")) << clean;
  const std::string rst = line_starting(out, "rst ");
  ASSERT_FALSE(rst.empty()) << out;
  EXPECT_TRUE(contains(rst, "none×5")) << rst;
  for (const char* unused : {"close_no_wait", "fin ", "close_timeout", "stall", "ignore_server_close",
                             "server_close", "handshake_abort", "mid_message", "invalid_close"}) {
    EXPECT_FALSE(contains(out, unused)) << unused << "\n" << out;
  }
}

TEST(Summary, ClosesTableColumnsLineUpWithTheHeader) {
  const std::string out = render_summary(small_run());
  const std::string header = line_starting(out, "close pattern");
  const std::string clean = line_starting(out, "clean ");
  ASSERT_FALSE(header.empty()) << out;
  // Right-aligned numbers end under their header: "started" ends where clean's 20 ends.
  const size_t started_end = header.find("started") + std::string("started").size();
  EXPECT_EQ(clean.substr(started_end - 2, 2), "20") << header << "\n" << clean;
  const size_t completed_end = header.find("completed") + std::string("completed").size();
  EXPECT_EQ(clean.substr(completed_end - 2, 2), "18") << header << "\n" << clean;
}

TEST(Summary, LatencyTableUsesHumanUnitsAndDashesWhenEmpty) {
  const std::string out = render_summary(small_run());
  const std::string handshake = line_starting(out, "handshake ");
  EXPECT_TRUE(contains(handshake, " 10 ")) << handshake;
  EXPECT_TRUE(contains(handshake, "2.00ms")) << handshake;
  EXPECT_TRUE(contains(line_starting(out, "connect "), "150µs")) << out;
  const std::string rtt = line_starting(out, "message_rtt");
  ASSERT_FALSE(rtt.empty()) << out;
  EXPECT_TRUE(contains(rtt, " 0 ")) << rtt;
  EXPECT_TRUE(contains(rtt, "-")) << rtt;
}

TEST(Summary, ChecksComeLastFollowedByTheVerdict) {
  const std::vector<std::string> lines = lines_of(render_summary(small_run()));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[lines.size() - 3], "PASS handshake error ratio 0.0300 <= 0.0010");
  EXPECT_EQ(lines[lines.size() - 2], "FAIL fds delta 12 > 8");
  EXPECT_EQ(lines.back(), "verdict: FAIL");
}

TEST(Summary, InterruptedRunIsFlaggedInTheHeader) {
  RunSummary s = small_run();
  s.interrupted = true;
  s.verdict = "INTERRUPTED";
  const std::string out = render_summary(s);
  EXPECT_TRUE(contains(lines_of(out).front(), "INTERRUPTED"));
  EXPECT_EQ(lines_of(out).back(), "verdict: INTERRUPTED");
}

TEST(Summary, ManyErrorReasonsShowTheMostFrequentFirst) {
  RunSummary s = small_run();
  s.stats.connect_errors = {{"a_rare", 1}, {"dns", 2}, {"refused", 50}, {"timeout", 7}, {"tls", 3}};
  const std::string line = line_starting(render_summary(s), "connections");
  EXPECT_TRUE(contains(line, "failed 63 (refused×50 timeout×7 tls×3 +2 more)")) << line;
}

TEST(Summary, RunWithoutClosesSaysSo) {
  RunSummary s = small_run();
  s.stats.patterns = {};
  const std::string out = render_summary(s);
  EXPECT_EQ(line_starting(out, "closes"), "closes       none");
  EXPECT_TRUE(line_starting(out, "close pattern").empty());
}

TEST(Summary, EveryPatternStillFitsOneScreen) {
  RunSummary s = small_run();
  for (int i = 0; i < kClosePatternCount; ++i) {
    PatternStats& p = s.stats.patterns[i];
    p.started = 1000 + i;
    for (int o = 0; o < kCloseOutcomeCount; ++o) p.outcomes[o] = 100 * (o + 1);
    p.codes_received = {{0, 1}, {1000, 900}, {1001, 2}, {1002, 3}, {1006, 4}, {1011, 5}, {4000, 6}};
    for (int k = 1; k <= 50; ++k) p.close_latency.record(std::chrono::milliseconds(k * (i + 1)));
  }
  for (int c = 0; c < 12; ++c) s.check_lines.push_back("PASS check number " + std::to_string(c));
  const std::string out = render_summary(s);
  const std::vector<std::string> lines = lines_of(out);
  EXPECT_LE(lines.size(), 40u) << out;
  for (int i = 0; i < kClosePatternCount; ++i) {
    EXPECT_FALSE(line_starting(out, std::string(to_string(static_cast<ClosePattern>(i))) + " ").empty())
        << to_string(static_cast<ClosePattern>(i)) << "\n" << out;
  }
  // Seven distinct codes: five are shown and the rest summarised, so a line cannot grow without bound.
  EXPECT_TRUE(contains(line_starting(out, "clean "), "+2 more")) << out;
}

StepResult summary_step(const std::string& name, uint32_t cycle, double level, bool sustained) {
  StepResult s;
  s.name = name;
  s.cycle = cycle;
  s.level = level;
  s.connections_open = uint64_t(level);
  s.sustained = sustained;
  if (!sustained) {
    s.failures = {"handshake_p99 400ms > max 250ms"};
    s.failed_check = "handshake_p99";
  }
  return s;
}

TEST(Summary, OneLinePerStepThenTheSustainedLevelAndHowItWasFound) {
  RunSummary s = small_run();
  s.steps = {summary_step("step-500", 1, 500, true), summary_step("step-1000", 2, 1000, false)};
  CapacityResult c;
  c.sustained = 500, c.sustained_step = 0, c.failed = 1000, c.failed_step = 1;
  c.failed_because = "handshake_p99 400ms > max 250ms";
  c.how = "search: 2 steps of 20s: ...";
  c.further = "raise capacity.max to go further";
  s.capacity = c;
  const std::string out = render_summary(s);
  EXPECT_TRUE(contains(out, "\nstep-500   held                    500   500 ")) << out;
  EXPECT_TRUE(contains(out, "\nstep-1000  FAILED:handshake_p99   1000  1000 ")) << out;
  EXPECT_TRUE(contains(out, "\ncapacity     sustained 500 connections (step-500); first failed 1000 (step-1000): "
                            "handshake_p99 400ms > max 250ms\n             search: 2 steps of 20s: ...\n"
                            "             raise capacity.max to go further\n"))
      << out;
  EXPECT_EQ(lines_of(out).back(), "verdict: FAIL") << "the verdict stays last";
}

TEST(Summary, ManyStepsShowTheLastCycleAndSayWhereTheRestAre) {
  RunSummary s = small_run();
  for (uint32_t cycle = 1; cycle <= 10; ++cycle)
    for (const char* phase : {"ramp", "hold", "drain"}) s.steps.push_back(summary_step(phase, cycle, 100, true));
  const std::string out = render_summary(s);
  EXPECT_TRUE(contains(out, "(27 earlier steps in report.json)")) << out;
  size_t rows = 0;
  for (const std::string& line : lines_of(out))
    rows += line.rfind("ramp ", 0) == 0 || line.rfind("hold ", 0) == 0 || line.rfind("drain ", 0) == 0;
  EXPECT_EQ(rows, 3u);
  EXPECT_LE(lines_of(out).size(), 45u) << out;
}

}  // namespace
}  // namespace wsl
