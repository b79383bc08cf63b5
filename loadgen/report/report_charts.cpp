// Which charts report.html shows and what goes into each, from a run's report (pure: no HTML here).
#include "report/report_charts.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string_view>

#include "report/load_rates.hpp"
#include "report/phase_spans.hpp"

namespace wsl {
namespace {

double seconds(int64_t ns) { return double(ns) / 1e9; }

double time_axis_end(const RunReport& report) {
  double end = 0;
  if (!report.load.empty()) end = std::max(end, seconds(report.load.back().at_ns));
  if (!report.series.empty()) end = std::max(end, seconds(report.series.back().at_ns));
  return end;
}

// Each phase keeps its colour in every cycle: the tone is its index in the profile; a phase the profile does not
// list (a capacity search's steps) takes the next tone in the order phases first ran.
int tone_of(const Profile& profile, const std::string& phase, std::map<std::string, int>& others) {
  for (size_t i = 0; i < profile.phases.size(); ++i)
    if (profile.phases[i].name == phase) return int(i);
  return others.try_emplace(phase, int(profile.phases.size() + others.size())).first->second;
}

std::string span_text(double from, double to) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1fs–%.1fs", from, to);
  return text;
}

// The backdrop every chart shares: phases shaded, and the start of each cycle marked when there are several.
LineChart time_frame(const RunReport& report) {
  LineChart frame;
  frame.t_end_s = time_axis_end(report);
  const std::vector<PhaseSpan> spans = phase_spans(report.load);
  std::map<std::string, int> other_tones;
  for (size_t i = 0; i < spans.size(); ++i) {
    const PhaseSpan& s = spans[i];
    // Before the first phase the monitor takes its baseline; between cycles the server settles.
    const std::string label = !s.idle() ? s.phase : (i == 0 && report.monitored ? "baseline" : "settle");
    const double from = seconds(s.from_ns), to = seconds(s.to_ns);
    frame.shades.push_back({from, to, label, s.idle() ? -1 : tone_of(*report.profile, s.phase, other_tones),
                            "cycle " + std::to_string(s.cycle) + " · " + label + " · " + span_text(from, to)});
  }
  const std::vector<CycleStart> starts = cycle_starts(spans);
  if (starts.size() > 1)
    for (const CycleStart& c : starts) frame.markers.push_back({seconds(c.at_ns), "cycle " + std::to_string(c.cycle)});
  return frame;
}

LineChart titled(LineChart chart, std::string id, std::string title, std::string y_title, AxisUnit unit) {
  chart.id = std::move(id);
  chart.title = std::move(title);
  chart.y_title = std::move(y_title);
  chart.y_unit = unit;
  return chart;
}

LineChart connections_chart(const RunReport& report, const LineChart& frame) {
  LineChart chart = titled(frame, "chart-connections", "Connections", "connections open", AxisUnit::count);
  ChartSeries active{"active", {}};
  for (const LoadPoint& p : report.load) active.points.emplace_back(seconds(p.at_ns), double(p.active));
  chart.series.push_back(std::move(active));
  return chart;
}

LineChart rates_chart(const RunReport& report, const LineChart& frame) {
  LineChart chart = titled(frame, "chart-rates", "Rates", "per second", AxisUnit::rate);
  ChartSeries opened{"opened/s", {}}, closes{"closes/s", {}}, errors{"connect errors/s", {}};
  for (const LoadRate& r : load_rates(report.load)) {
    const double t = seconds(r.at_ns);
    opened.points.emplace_back(t, r.opened_per_s);
    closes.points.emplace_back(t, r.closes_per_s);
    errors.points.emplace_back(t, r.errors_per_s);
  }
  chart.series = {std::move(opened), std::move(closes), std::move(errors)};
  return chart;
}

// The monitor's values by resource name, each as a time series.
using SeriesByResource = std::map<std::string, std::vector<std::pair<double, double>>>;

SeriesByResource by_resource(const std::vector<ResourceSample>& samples) {
  SeriesByResource out;
  for (const ResourceSample& sample : samples)
    for (const auto& [name, value] : resource_values(sample)) out[name].emplace_back(seconds(sample.at_ns), value);
  return out;
}

// Adds the first of `names` that was measured (a local reading before the same thing scraped remotely).
bool add_first_measured(LineChart& chart, const SeriesByResource& values, std::initializer_list<const char*> names,
                        const std::string& legend) {
  for (const char* name : names) {
    if (auto it = values.find(name); it != values.end()) {
      chart.series.push_back({legend.empty() ? std::string(name) : legend, it->second});
      return true;
    }
  }
  return false;
}

bool ever_nonzero(const std::vector<std::pair<double, double>>& points) {
  return std::any_of(points.begin(), points.end(), [](const auto& p) { return p.second != 0; });
}

void add_target_charts(const RunReport& report, const LineChart& frame, ReportCharts& out) {
  const SeriesByResource values = by_resource(report.series);
  LineChart fds = titled(frame, "chart-fds", "Target open fds", "file descriptors", AxisUnit::count);
  if (add_first_measured(fds, values, {"fds", "scrape:process_open_fds"}, "open fds")) {
    add_first_measured(fds, values, {"socket_fds"}, "of which sockets");
    out.charts.push_back(std::move(fds));
  } else {
    out.notes.push_back("target open fds: not measured (no readable process, no process_open_fds scraped)");
  }

  // Established and CLOSE_WAIT always (a leak shows there); the kernel-timed states when they occurred.
  LineChart sockets = titled(frame, "chart-sockets", "Target sockets by TCP state", "sockets", AxisUnit::count);
  for (const char* state : {"established", "close_wait", "time_wait", "fin_wait1", "fin_wait2", "last_ack", "syn_recv"}) {
    auto it = values.find(std::string("sockets.") + state);
    if (it == values.end()) continue;
    const bool always = std::string_view(state) == "established" || std::string_view(state) == "close_wait";
    if (always || ever_nonzero(it->second)) sockets.series.push_back({state, it->second});
  }
  if (!sockets.series.empty()) out.charts.push_back(std::move(sockets));
  else out.notes.push_back("target sockets by state: not measured (the target is not on this host)");

  LineChart rss = titled(frame, "chart-rss", "Target resident memory (RSS)", "resident memory", AxisUnit::bytes);
  rss.y_from_zero = false;
  if (add_first_measured(rss, values, {"rss", "scrape:process_resident_memory_bytes"}, "RSS"))
    out.charts.push_back(std::move(rss));
  else
    out.notes.push_back("target RSS: not measured (no readable process, no process_resident_memory_bytes scraped)");
}

}  // namespace

ReportCharts report_charts(const RunReport& report) {
  ReportCharts out;
  const LineChart frame = time_frame(report);
  out.charts.push_back(connections_chart(report, frame));
  out.charts.push_back(rates_chart(report, frame));
  if (!report.monitored) {
    out.notes.push_back("the server was not monitored" +
                        (report.monitor_note.empty() ? std::string() : " (" + report.monitor_note + ")") +
                        ": no fds, sockets or RSS to chart");
    return out;
  }
  add_target_charts(report, frame, out);
  return out;
}

}  // namespace wsl
