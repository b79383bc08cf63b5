// Dead peers: a held connection the server never gave back, or gave back too late, is a LEAK with its count.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "verdict/reap_check.hpp"
#include "vocabulary/close_pattern.hpp"

using namespace wsl;

namespace {

PatternStats held(uint64_t started, uint64_t never, std::vector<Duration> ended) {
  PatternStats p;
  p.started = started;
  p.outcomes[int(CloseOutcome::server_never_closed)] = never;
  p.outcomes[int(CloseOutcome::completed)] = ended.size();
  for (Duration d : ended) p.server_tcp_close_latency.record(d);
  return p;
}

ReapCheck within(Duration d) { return ReapCheck{.within = d}; }

}  // namespace

TEST(ReapCheck, NothingIsJudgedWithoutReapWithin) {
  RunStats stats;
  stats.patterns[int(ClosePattern::stall)] = held(10, 10, {});
  EXPECT_TRUE(judge_reaps(stats, ReapCheck{}, false).empty());
}

TEST(ReapCheck, PeersNeverReapedAreALeakWithTheirCount) {
  RunStats stats;
  stats.patterns[int(ClosePattern::stall)] = held(200, 200, {});
  const auto verdicts = judge_reaps(stats, within(20s), false);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].resource, "reap.stall");
  EXPECT_EQ(verdicts[0].verdict, Verdict::leak);
  EXPECT_DOUBLE_EQ(verdicts[0].after, 200);
  EXPECT_EQ(verdicts[0].limit_name, "reap.within");
  EXPECT_EQ(verdicts[0].reason,
            "200 of 200 held peers not given back within reap.within 20.0s: 200 still held by the server when our "
            "hold ended");
}

TEST(ReapCheck, PeersReapedInTimePassWithTheirTimes) {
  RunStats stats;
  stats.patterns[int(ClosePattern::stall)] = held(3, 0, {2s, 3s, 4s});
  stats.patterns[int(ClosePattern::clean)].started = 50;  // not a held pattern: not judged
  const auto verdicts = judge_reaps(stats, within(10s), false);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].verdict, Verdict::pass) << verdicts[0].reason;
  EXPECT_NE(verdicts[0].reason.find("3 of 3 held peers given back within reap.within 10.0s (server ended TCP p50 "),
            std::string::npos)
      << verdicts[0].reason;
}

TEST(ReapCheck, OnlyThePatternsThatLeaveADeadPeerAreJudged) {
  RunStats stats;
  for (const ClosePatternInfo& row : kClosePatterns) stats.patterns[int(row.pattern)] = held(2, 2, {});
  std::vector<std::string> judged;
  for (const ResourceVerdict& v : judge_reaps(stats, within(10s), false)) judged.push_back(v.resource);
  // server_close is held but answers the server; data_after_close keeps talking until its reply or hold ends.
  EXPECT_EQ(judged, (std::vector<std::string>{"reap.close_timeout", "reap.stall", "reap.ignore_server_close"}));
}

TEST(ReapCheck, PeersReapedTooLateAreALeakToo) {
  RunStats stats;
  stats.patterns[int(ClosePattern::close_timeout)] = held(4, 1, {1s, 2s, 25s});
  const auto verdicts = judge_reaps(stats, within(10s), false);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].resource, "reap.close_timeout");
  EXPECT_EQ(verdicts[0].verdict, Verdict::leak);
  EXPECT_DOUBLE_EQ(verdicts[0].after, 2);
  EXPECT_NE(verdicts[0].reason.find("1 still held by the server when our hold ended, 1 given back later than that"),
            std::string::npos)
      << verdicts[0].reason;
}

TEST(ReapCheck, AnInterruptedRunCutTheHoldsShortAndCannotJudge) {
  RunStats stats;
  stats.patterns[int(ClosePattern::ignore_server_close)] = held(5, 5, {});
  const auto verdicts = judge_reaps(stats, within(10s), true);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].verdict, Verdict::inconclusive);
}
