// report.html's capacity section: the sustained level, latency and errors against the level with the knee marked,
// and one table row per step (docs/capacity-and-compare.md).
#pragma once

#include <string>

#include "report/summary.hpp"
#include "report/svg_chart.hpp"

namespace wsl {

// The two charts against the steps' level (ids chart-knee-latency, chart-knee-errors), with markers at the sustained
// and the first failed level. Pure, so the tests look at the series rather than the SVG.
std::vector<LineChart> knee_charts(const RunSummary& summary);

// <section id="steps">, or "" when no step ran.
std::string steps_section_html(const RunSummary& summary);

}  // namespace wsl
