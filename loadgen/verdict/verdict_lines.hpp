// The leak verdict as summary lines for people: one short line per resource, and one line for the whole run.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "verdict/leak_verdict.hpp"

namespace wsl {

// "LEAK fds: 412 after settle vs 12 baseline: +400 > fd_delta_max 8"
std::string verdict_line(const ResourceVerdict& verdict);

// One line per resource, LEAKs first, then INCONCLUSIVE, then PASS, each group in input order.
std::vector<std::string> verdict_lines(std::span<const ResourceVerdict> verdicts);

// Attributed runs, one line per close pattern over the resources that matter (fds, sockets, CLOSE_WAIT, memory,
// scraped series, and any whose share did not pass), worst verdict last:
// "by pattern rst (9600 closed): fds +1.00, rss +64.1KiB (95% CI +63.2KiB..+65.0KiB) per connection: LEAK"
std::vector<std::string> pattern_lines(std::span<const ResourceVerdict> verdicts);

// "leak verdict: LEAK (fds, sockets.close_wait), 1 inconclusive, 3 pass" / "leak verdict: PASS (5 resources)"
std::string overall_verdict_line(std::span<const ResourceVerdict> verdicts);

}  // namespace wsl
