// report.html's capacity section: the answer, the knee charts and the per-step table.
#include "report/steps_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "profile/capacity_level.hpp"
#include "report/html_text.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

std::string unit_of(CapacityQuantity of) {
  return of == CapacityQuantity::connections ? "open connections" : "new connections per second";
}

double millis(const std::optional<Duration>& d) { return d ? double(d->count()) / 1e6 : NAN; }

std::string printf_text(const char* format, double value) {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string latency_cell(const LatencyFigures& f) {
  if (!f.p50) return "-";
  return human_duration(*f.p50) + " / " + human_duration(*f.p99);
}

std::string optional_cell(const std::optional<double>& v, const char* format, double scale = 1) {
  return v ? printf_text(format, *v * scale) : "-";
}

std::string td(const std::string& text) { return "<td>" + html_escape(text) + "</td>"; }

std::string errors_cell(const StepResult& s) {
  std::string out = std::to_string(s.errors_total);
  for (const auto& [reason, n] : s.errors) out += " " + reason + "×" + std::to_string(n);
  return out;
}

std::string steps_table(const std::vector<StepResult>& steps) {
  std::string out = "<table class=\"steps\">\n<tr><th>step</th><th>cycle</th><th>result</th><th>level</th>"
                    "<th>open at end</th><th>opened/s</th><th>closes/s</th><th>errors</th>"
                    "<th>handshake p50 / p99</th><th>message RTT p50 / p99</th><th>server CPU</th>"
                    "<th>CPU per message</th><th>CPU per connection</th><th>server RSS (max)</th>"
                    "<th>server fds (max)</th><th>why it failed</th></tr>\n";
  for (const StepResult& s : steps) {
    const std::string result = !s.completed ? "interrupted" : s.sustained ? "held" : "FAILED";
    std::string failures;
    for (const std::string& f : s.failures) failures += (failures.empty() ? "" : "; ") + f;
    out += std::string("<tr class=\"") + (!s.completed ? "undecided" : s.sustained ? "held" : "failed") + "\">" +
           td(s.name) + td(std::to_string(s.cycle)) + td(result) + td(level_label(s.of, s.level)) +
           td(std::to_string(s.connections_open)) + td(printf_text("%.1f", s.opens_per_second)) +
           td(printf_text("%.1f", s.closes_per_second)) + td(errors_cell(s)) + td(latency_cell(s.handshake)) +
           td(latency_cell(s.message_rtt)) + td(optional_cell(s.server_cpu_share, "%.0f%% of a core", 100)) +
           td(optional_cell(s.server_cpu_per_message, "%.1f µs", 1e6)) +
           td(optional_cell(s.server_cpu_per_connection, "%.1f µs", 1e6)) +
           td(s.server_rss_bytes ? human_bytes(uint64_t(*s.server_rss_bytes)) : "-") +
           td(optional_cell(s.server_fds, "%.0f")) + td(failures) + "</tr>\n";
  }
  return out + "</table>\n";
}

std::string answer(const RunSummary& summary) {
  const CapacityResult& c = *summary.capacity;
  std::string out = "<p class=\"capacity\">sustained: <b id=\"capacity-sustained\">" +
                    (c.sustained ? html_escape(level_label(c.of, *c.sustained)) + "</b> " + html_escape(unit_of(c.of))
                                 : std::string("none</b>"));
  if (c.failed)
    out += "; first failed: <b id=\"capacity-failed\">" + html_escape(level_label(c.of, *c.failed)) + "</b> (" +
           html_escape(c.failed_because) + ")";
  out += "</p>\n<p>" + html_escape(c.how) + "</p>\n";
  if (!c.further.empty()) out += "<p>" + html_escape(c.further) + "</p>\n";
  return out;
}

}  // namespace

std::vector<LineChart> knee_charts(const RunSummary& summary) {
  std::vector<const StepResult*> steps;
  for (const StepResult& s : summary.steps)
    if (s.completed) steps.push_back(&s);
  std::stable_sort(steps.begin(), steps.end(), [](auto* a, auto* b) { return a->level < b->level; });
  const CapacityQuantity of = summary.steps.empty() ? CapacityQuantity::connections : summary.steps.front().of;
  LineChart frame;
  frame.x_unit = of == CapacityQuantity::connections ? AxisUnit::count : AxisUnit::rate;
  frame.x_title = "the step's level: " + unit_of(of);
  for (const StepResult* s : steps) frame.t_end_s = std::max(frame.t_end_s, s->level);
  if (summary.capacity) {
    // The knee lies between them: the sustained level's label to its left, the failed one's to its right.
    if (summary.capacity->sustained) frame.markers.push_back({*summary.capacity->sustained, "sustained", true});
    if (summary.capacity->failed) frame.markers.push_back({*summary.capacity->failed, "failed", false});
  }
  LineChart latency = frame;
  latency.id = "chart-knee-latency";
  latency.title = "Latency against the level";
  latency.y_title = "p99, milliseconds";
  latency.y_unit = AxisUnit::rate;
  ChartSeries handshake{"handshake p99", {}}, rtt{"message RTT p99", {}};
  LineChart errors = frame;
  errors.id = "chart-knee-errors";
  errors.title = "Errors against the level";
  errors.y_title = "% of connects that failed";
  errors.y_unit = AxisUnit::rate;
  ChartSeries ratio{"connect and handshake errors", {}}, dropped{"dropped by the server", {}};
  for (const StepResult* s : steps) {
    handshake.points.emplace_back(s->level, millis(s->handshake.p99));
    rtt.points.emplace_back(s->level, millis(s->message_rtt.p99));
    const double attempts = double(std::max<uint64_t>(s->connects_attempted, 1));
    ratio.points.emplace_back(s->level, 100.0 * double(s->errors_total) / attempts);
    dropped.points.emplace_back(s->level, 100.0 * double(s->dropped_by_server) / attempts);
  }
  latency.series = {std::move(handshake), std::move(rtt)};
  errors.series = {std::move(ratio), std::move(dropped)};
  return {std::move(latency), std::move(errors)};
}

std::string steps_section_html(const RunSummary& summary) {
  if (summary.steps.empty()) return "";
  std::string out = "<section id=\"steps\">\n<h2>Steps and capacity</h2>\n";
  if (summary.capacity) out += answer(summary);
  for (const LineChart& chart : knee_charts(summary)) out += render_chart_figure(chart);
  return out + "<div class=\"table-wrap\">\n" + steps_table(summary.steps) + "</div>\n</section>\n";
}

}  // namespace wsl
