// Leak verdict summary lines: one per resource, problems first, and one line for the run.
#include <gtest/gtest.h>

#include <vector>

#include "verdict/leak_verdict.hpp"
#include "verdict/verdict_lines.hpp"

using namespace wsl;

namespace {

ResourceVerdict verdict(const char* resource, Verdict v, const char* reason) {
  ResourceVerdict r;
  r.resource = resource;
  r.verdict = v;
  r.reason = reason;
  return r;
}

}  // namespace

TEST(VerdictLines, OneLinePerResourceWithVerdictFirst) {
  EXPECT_EQ(verdict_line(verdict("fds", Verdict::leak, "412 after settle vs 12 baseline: +400 > fd_delta_max 8")),
            "LEAK fds: 412 after settle vs 12 baseline: +400 > fd_delta_max 8");
}

TEST(VerdictLines, LeaksFirstThenInconclusiveThenPass) {
  const std::vector<ResourceVerdict> all{verdict("rss", Verdict::pass, "ok"), verdict("x", Verdict::inconclusive, "?"),
                                         verdict("fds", Verdict::leak, "bad"), verdict("s", Verdict::pass, "ok")};
  const auto lines = verdict_lines(all);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "LEAK fds: bad");
  EXPECT_EQ(lines[1], "INCONCLUSIVE x: ?");
  EXPECT_EQ(lines[2], "PASS rss: ok");
  EXPECT_EQ(lines[3], "PASS s: ok");
}

TEST(VerdictLines, OverallLineNamesWhatFailed) {
  const std::vector<ResourceVerdict> all{verdict("fds", Verdict::leak, ""),
                                         verdict("sockets.close_wait", Verdict::leak, ""),
                                         verdict("x", Verdict::inconclusive, ""), verdict("rss", Verdict::pass, "")};
  EXPECT_EQ(overall_verdict_line(all), "leak verdict: LEAK (fds, sockets.close_wait), 1 inconclusive, 1 pass");
  const std::vector<ResourceVerdict> unsure{verdict("x", Verdict::inconclusive, ""), verdict("rss", Verdict::pass, "")};
  EXPECT_EQ(overall_verdict_line(unsure), "leak verdict: INCONCLUSIVE (x), 1 pass");
  const std::vector<ResourceVerdict> clean{verdict("fds", Verdict::pass, ""), verdict("rss", Verdict::pass, "")};
  EXPECT_EQ(overall_verdict_line(clean), "leak verdict: PASS (2 resources)");
  EXPECT_EQ(overall_verdict_line(std::vector<ResourceVerdict>{}), "leak verdict: INCONCLUSIVE (nothing was monitored)");
}

TEST(VerdictLines, RealVerdictLinesCarryUnits) {
  constexpr double MiB = 1048576.0;
  const ResourceSamples rss{"rss",
                            {50 * MiB, 50 * MiB, 50 * MiB},
                            {{95 * MiB, 95 * MiB, 95 * MiB},
                             {95 * MiB, 95 * MiB, 95 * MiB},
                             {95.1 * MiB, 95.1 * MiB, 95.1 * MiB},
                             {95 * MiB, 95 * MiB, 95 * MiB}}};
  std::vector<LoadBlock> blocks;
  for (uint32_t c = 0; c < 4; ++c) blocks.push_back({.cycle = c, .warmup = c == 0, .connections_closed = 1000});
  const std::string line = verdict_line(judge_resource(rss, blocks, LeakCheck{}));
  EXPECT_EQ(line,
            "PASS rss: +35B per connection (95% CI -115B..+185B) < rss_per_connection_max 512B, 3000 connections "
            "in 3 blocks after warm-up; +0B after warm-up <= rss_delta_max 64.0MiB; warm-up +45.0MiB (not judged)");
}
