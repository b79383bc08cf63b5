// report.html: one self-contained page (no network) with the verdict on top, key numbers, charts over time and tables.
#pragma once

#include <string>

#include "report/report_json.hpp"

namespace wsl {

// The whole page: inline CSS and inline SVG drawn here, no scripts, fonts, images or links to fetch.
// The verdict banner is <header id="verdict" data-verdict="PASS|FAIL|INTERRUPTED">; each chart is a
// <figure id="chart-…"> (see report_charts.hpp). Everything that came from a profile or a server is escaped.
std::string render_html_report(const RunReport& report);

}  // namespace wsl
