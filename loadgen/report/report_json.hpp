// report.json: everything a run measured and decided, in a documented, versioned schema (docs/report.md).
#pragma once

#include <string>
#include <vector>

#include "monitor/resource_sample.hpp"
#include "report/summary.hpp"
#include "stats/load_point.hpp"
#include "verdict/leak_evidence.hpp"
#include "verdict/leak_verdict.hpp"
#include "verdict/threshold_checks.hpp"

namespace wsl {

inline constexpr int kReportSchemaVersion = 1;

struct RunReport {
  const Profile* profile = nullptr;
  const RunSummary* summary = nullptr;
  std::vector<CheckResult> checks;
  bool monitored = false;
  std::string monitor_note;  // why the server was not monitored, e.g. "monitor.pid: none"
  std::vector<ResourceVerdict> verdicts;
  std::string overall_leak_verdict;  // "PASS" / "LEAK" / "INCONCLUSIVE" / "not monitored"
  std::vector<ResourceSample> series;
  std::vector<LoadPoint> load;  // the generator's load on the monitor's time axis
  SampleWindow baseline;
  std::vector<SampleWindow> settled;  // per block of load
  std::vector<LoadBlock> blocks;      // what each settled window followed
  int exit_code = 0;
};

std::string render_report_json(const RunReport& report);

}  // namespace wsl
