// Which charts report.html shows and what goes into each, from a run's report (pure: no HTML here).
#pragma once

#include <string>
#include <vector>

#include "report/report_json.hpp"
#include "report/svg_chart.hpp"

namespace wsl {

struct ReportCharts {
  std::vector<LineChart> charts;  // the generator's load first, then the target's resources
  std::vector<std::string> notes;  // why a target chart is missing, e.g. "the server was not monitored: …"
};

// Load charts (ids chart-connections, chart-rates) always, "no data" inside when too few points; target charts
// (chart-fds, chart-sockets, chart-rss) for the resources the monitor measured. Every chart shares one time
// axis and is shaded by phase, with a marker at each cycle's start when there are several.
ReportCharts report_charts(const RunReport& report);

}  // namespace wsl
