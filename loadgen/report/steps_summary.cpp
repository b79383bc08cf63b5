// Renders the per-step table and the capacity lines of the end-of-run summary.
#include "report/steps_summary.hpp"

#include <cstdio>

#include "profile/capacity_level.hpp"
#include "report/text_table.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

std::string pair_of(const LatencyFigures& f) {
  if (!f.p50) return "-";
  return human_duration(*f.p50) + "/" + human_duration(*f.p99);
}

std::string rate(double per_second) {
  char text[32];
  std::snprintf(text, sizeof text, per_second >= 100 ? "%.0f" : "%.1f", per_second);
  return text;
}

std::string share(const std::optional<double>& v) {
  if (!v) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", *v * 100);
  return text;
}

std::string outcome(const StepResult& s) {
  if (!s.completed) return "interrupted";
  if (s.sustained) return "held";
  return "FAILED:" + s.failed_check;
}

std::string unit_of(CapacityQuantity of) { return of == CapacityQuantity::connections ? " connections" : " opens/s"; }

std::string capacity_lines(const std::vector<StepResult>& steps, const CapacityResult& c) {
  const char* indent = "             ";
  std::string line = "capacity     sustained ";
  if (c.sustained) {
    line += level_label(c.of, *c.sustained) + unit_of(c.of);
    if (c.sustained_step) line += " (" + steps[*c.sustained_step].name + ")";
  } else {
    line += "none";
  }
  if (c.failed) {
    line += "; first failed " + level_label(c.of, *c.failed);
    if (c.failed_step) line += " (" + steps[*c.failed_step].name + ")";
    if (!c.failed_because.empty()) line += ": " + c.failed_because;
  }
  std::string out = line + "\n" + indent + c.how + "\n";
  if (!c.further.empty()) out += std::string(indent) + c.further + "\n";
  return out;
}

}  // namespace

std::string steps_summary(const std::vector<StepResult>& steps, const std::optional<CapacityResult>& capacity) {
  if (steps.empty()) return "";
  size_t first = 0;
  if (steps.size() > kMaxStepLines) {
    // The last cycle's steps; with too many even so, the last kMaxStepLines.
    first = steps.size() - 1;
    while (first > 0 && steps[first - 1].cycle == steps.back().cycle) --first;
    if (steps.size() - first > kMaxStepLines) first = steps.size() - kMaxStepLines;
  }
  using A = TextTable::Align;
  // The result comes second: a word, so scripts that read the closes table (a name, then numbers) skip these rows.
  TextTable table({A::left, A::left, A::right, A::right, A::right, A::right, A::right, A::right, A::right,
                   A::right, A::right, A::right});
  table.add_row({"step", "result", "level", "open", "open/s", "close/s", "errors", "handshake p50/p99",
                 "rtt p50/p99", "srv cpu", "srv rss", "srv fds"});
  for (size_t i = first; i < steps.size(); ++i) {
    const StepResult& s = steps[i];
    table.add_row({s.name, outcome(s), level_label(s.of, s.level), std::to_string(s.connections_open),
                   rate(s.opens_per_second), rate(s.closes_per_second), std::to_string(s.errors_total),
                   pair_of(s.handshake), pair_of(s.message_rtt), share(s.server_cpu_share),
                   s.server_rss_bytes ? human_bytes(uint64_t(*s.server_rss_bytes)) : "-",
                   s.server_fds ? std::to_string(int64_t(*s.server_fds)) : "-"});
  }
  std::string out = table.render();
  if (first > 0) out += "             (" + std::to_string(first) + " earlier steps in report.json)\n";
  if (capacity) out += capacity_lines(steps, *capacity);
  return out;
}

}  // namespace wsl
