// Tests merging of per-worker run statistics and the close outcome names.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "stats/run_stats.hpp"

namespace wsl {
namespace {

constexpr int idx(ClosePattern p) { return static_cast<int>(p); }
constexpr int idx(CloseOutcome o) { return static_cast<int>(o); }

TEST(RunStats, ConnectErrorTotalSumsEveryReason) {
  RunStats s;
  EXPECT_EQ(s.connect_error_total(), 0u);
  s.connect_errors["refused"] = 4;
  s.connect_errors["timeout"] = 3;
  s.connect_errors["handshake_status"] = 1;
  EXPECT_EQ(s.connect_error_total(), 8u);
}

TEST(RunStats, MergeAddsCountersMapsAndHistograms) {
  RunStats a, b;
  a.connects_attempted = 10;
  a.connections_opened = 9;
  a.connect_errors["refused"] = 1;
  a.dropped_by_server = 2;
  a.server_close_codes[1001] = 2;
  a.protocol_errors["masked_frame"] = 1;
  a.tcp_closed_by_server = 6;
  a.tcp_closed_by_client = 1;
  a.messages_sent = 100;
  a.messages_received = 99;
  a.bytes_sent = 1000;
  a.bytes_received = 990;
  a.echo_mismatches = 1;
  a.pings_sent = 5;
  a.pongs_received = 4;
  a.connect_latency.record(1ms);
  a.handshake_latency.record(2ms);
  a.message_rtt.record(3ms);

  b.connects_attempted = 20;
  b.connections_opened = 18;
  b.connect_errors["refused"] = 1;
  b.connect_errors["timeout"] = 1;
  b.dropped_by_server = 1;
  b.server_close_codes[1001] = 1;
  b.server_close_codes[0] = 4;
  b.protocol_errors["bad_opcode"] = 2;
  b.tcp_closed_by_server = 10;
  b.tcp_closed_by_client = 2;
  b.messages_sent = 200;
  b.messages_received = 200;
  b.bytes_sent = 2000;
  b.bytes_received = 2000;
  b.pings_sent = 7;
  b.pongs_received = 7;
  b.connect_latency.record(10ms);
  b.message_rtt.record(30ms);
  b.message_rtt.record(31ms);

  a.merge(b);
  EXPECT_EQ(a.connects_attempted, 30u);
  EXPECT_EQ(a.connections_opened, 27u);
  EXPECT_EQ(a.connect_errors.at("refused"), 2u);
  EXPECT_EQ(a.connect_errors.at("timeout"), 1u);
  EXPECT_EQ(a.connect_error_total(), 3u);
  EXPECT_EQ(a.dropped_by_server, 3u);
  EXPECT_EQ(a.server_close_codes.at(1001), 3u);
  EXPECT_EQ(a.server_close_codes.at(0), 4u);
  EXPECT_EQ(a.protocol_errors.at("masked_frame"), 1u);
  EXPECT_EQ(a.protocol_errors.at("bad_opcode"), 2u);
  EXPECT_EQ(a.tcp_closed_by_server, 16u);
  EXPECT_EQ(a.tcp_closed_by_client, 3u);
  EXPECT_EQ(a.messages_sent, 300u);
  EXPECT_EQ(a.messages_received, 299u);
  EXPECT_EQ(a.bytes_sent, 3000u);
  EXPECT_EQ(a.bytes_received, 2990u);
  EXPECT_EQ(a.echo_mismatches, 1u);
  EXPECT_EQ(a.pings_sent, 12u);
  EXPECT_EQ(a.pongs_received, 11u);
  EXPECT_EQ(a.connect_latency.count(), 2u);
  EXPECT_EQ(a.connect_latency.max(), 10ms);
  EXPECT_EQ(a.handshake_latency.count(), 1u);
  EXPECT_EQ(a.message_rtt.count(), 3u);
  EXPECT_EQ(a.message_rtt.min(), 3ms);
  // The source is left untouched.
  EXPECT_EQ(b.connects_attempted, 20u);
}

TEST(RunStats, MergeCombinesEachPatternSeparately) {
  RunStats a, b;
  PatternStats& clean_a = a.patterns[idx(ClosePattern::clean)];
  clean_a.started = 3;
  clean_a.outcomes[idx(CloseOutcome::completed)] = 3;
  clean_a.codes_received[1000] = 3;
  clean_a.close_latency.record(4ms);

  PatternStats& clean_b = b.patterns[idx(ClosePattern::clean)];
  clean_b.started = 2;
  clean_b.outcomes[idx(CloseOutcome::completed)] = 1;
  clean_b.outcomes[idx(CloseOutcome::timed_out)] = 1;
  clean_b.codes_received[1000] = 1;
  clean_b.codes_received[1001] = 1;
  clean_b.close_latency.record(5s);
  b.patterns[idx(ClosePattern::rst)].started = 7;

  a.merge(b);
  const PatternStats& clean = a.patterns[idx(ClosePattern::clean)];
  EXPECT_EQ(clean.started, 5u);
  EXPECT_EQ(clean.outcomes[idx(CloseOutcome::completed)], 4u);
  EXPECT_EQ(clean.outcomes[idx(CloseOutcome::timed_out)], 1u);
  EXPECT_EQ(clean.outcomes[idx(CloseOutcome::error)], 0u);
  EXPECT_EQ(clean.codes_received.at(1000), 4u);
  EXPECT_EQ(clean.codes_received.at(1001), 1u);
  EXPECT_EQ(clean.close_latency.count(), 2u);
  EXPECT_EQ(clean.close_latency.max(), 5s);
  EXPECT_EQ(a.patterns[idx(ClosePattern::rst)].started, 7u);
  EXPECT_EQ(a.patterns[idx(ClosePattern::fin)].started, 0u);
}

TEST(RunStats, MergingAnEmptyShardChangesNothing) {
  RunStats a;
  a.connects_attempted = 4;
  a.handshake_latency.record(7ms);
  a.merge(RunStats{});
  EXPECT_EQ(a.connects_attempted, 4u);
  EXPECT_EQ(a.handshake_latency.count(), 1u);
  EXPECT_EQ(a.handshake_latency.min(), 7ms);
}

TEST(CloseOutcome, NamesAreTheDocumentedOnes) {
  EXPECT_STREQ(to_string(CloseOutcome::completed), "completed");
  EXPECT_STREQ(to_string(CloseOutcome::server_closed_first), "server_closed_first");
  EXPECT_STREQ(to_string(CloseOutcome::timed_out), "timed_out");
  EXPECT_STREQ(to_string(CloseOutcome::server_never_closed), "server_never_closed");
  EXPECT_STREQ(to_string(CloseOutcome::error), "error");
  std::set<std::string> names;
  for (int i = 0; i < kCloseOutcomeCount; ++i) names.insert(to_string(static_cast<CloseOutcome>(i)));
  EXPECT_EQ(names.size(), static_cast<size_t>(kCloseOutcomeCount));
}

}  // namespace
}  // namespace wsl
