// The tables of report.html: checks, per-resource leak verdicts, closes by pattern, latencies.
#pragma once

#include <string>
#include <vector>

#include "stats/run_stats.hpp"
#include "verdict/leak_verdict.hpp"
#include "verdict/threshold_checks.hpp"

namespace wsl {

// Each returns one <table> (or a <p> saying there is nothing to show); every cell is HTML-escaped.
std::string checks_table_html(const std::vector<CheckResult>& checks);
std::string leak_verdict_table_html(const std::vector<ResourceVerdict>& verdicts);
// Attributed runs: each close pattern's share of each resource; "" when the run was not attributed.
std::string leak_by_pattern_table_html(const std::vector<ResourceVerdict>& verdicts);
std::string close_pattern_table_html(const RunStats& stats);
std::string latency_table_html(const RunStats& stats);

}  // namespace wsl
