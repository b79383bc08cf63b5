// report.html: one self-contained page (no network) with the verdict on top, key numbers, charts over time and tables.
#include "report/html_report.hpp"

#include <algorithm>
#include <cctype>

#include "profile/capacity_level.hpp"
#include "profile/load_profile.hpp"
#include "report/html_style.hpp"
#include "report/html_tables.hpp"
#include "report/html_text.hpp"
#include "report/report_charts.hpp"
#include "report/steps_html.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

std::string leak_class(const std::string& overall) {
  if (overall == "PASS") return "v-pass";
  if (overall == "LEAK") return "v-fail";
  return "v-inconclusive";
}

// Why the run did not pass, one line per failed check, then what stayed undecided.
std::string banner_reasons(const RunReport& report) {
  std::string failed, undecided;
  if (report.summary->interrupted) failed += "<li>the run was interrupted before it finished</li>";
  for (const CheckResult& c : report.checks)
    if (!c.passed) failed += "<li>" + html_escape(c.name + ": " + c.detail) + "</li>";
  for (const ResourceVerdict& v : report.verdicts) {
    const std::string line = "<li>" + html_escape("leak." + v.resource + ": " + v.reason) + "</li>";
    if (v.verdict == Verdict::leak) failed += line;
    else if (v.verdict == Verdict::inconclusive) undecided += line;
  }
  std::string out;
  if (!failed.empty()) out += "<p>failed:</p><ul class=\"failed\">" + failed + "</ul>";
  if (!undecided.empty()) out += "<p>inconclusive (does not fail the run):</p><ul class=\"undecided\">" + undecided + "</ul>";
  return out;
}

std::string banner(const RunReport& report) {
  const RunSummary& s = *report.summary;
  const std::string verdict = s.verdict.empty() ? "UNKNOWN" : s.verdict;
  std::string out = "<header id=\"verdict\" class=\"banner " + html_escape(lower(verdict)) + "\" data-verdict=\"" +
                    html_escape(verdict) + "\">\n<div class=\"verdict-word\">" + html_escape(verdict) + "</div>\n<div>";
  out += "<p>profile <b>" + html_escape(s.profile_name) + "</b> against " + html_escape(s.target) + ", " +
         std::to_string(s.cycles_completed) + " of " + std::to_string(report.profile->cycles) + " cycles in " +
         html_escape(human_duration(s.elapsed)) + ", exit code " + std::to_string(report.exit_code) + "</p>";
  out += "<p>leak verdict: <span class=\"leak-verdict\">" + html_escape(report.overall_leak_verdict) + "</span></p>";
  if (const auto& c = s.capacity)
    out += "<p>capacity: sustained " + (c->sustained ? html_escape(level_label(c->of, *c->sustained)) : "none") +
           (c->failed ? ", first failed " + html_escape(level_label(c->of, *c->failed)) : std::string()) + "</p>";
  return out + banner_reasons(report) + "</div>\n</header>\n";
}

std::string tile(const std::string& label, const std::string& value) {
  return "<div><dt>" + html_escape(label) + "</dt><dd>" + html_escape(value) + "</dd></div>";
}

std::string quantile(const LatencyHistogram& h, double q) { return h.count() ? human_duration(h.quantile(q)) : "-"; }

std::string key_numbers(const RunReport& report) {
  const RunSummary& s = *report.summary;
  const RunStats& st = s.stats;
  int64_t peak = 0;
  for (const LoadPoint& p : report.load) peak = std::max(peak, p.active);
  uint64_t closes = 0;
  for (const PatternStats& p : st.patterns) closes += p.started;
  std::string out = "<section id=\"numbers\">\n<h2>Key numbers</h2>\n<dl class=\"tiles\">";
  out += tile("elapsed", human_duration(s.elapsed)) + tile("workers", std::to_string(s.workers));
  out += tile("connections attempted", std::to_string(st.connects_attempted));
  out += tile("opened", std::to_string(st.connections_opened));
  out += tile("connect errors", std::to_string(st.connect_error_total()));
  out += tile("peak open (sampled)", std::to_string(peak)) + tile("closes started", std::to_string(closes));
  out += tile("dropped by server", std::to_string(st.dropped_by_server));
  out += tile("messages sent / received", std::to_string(st.messages_sent) + " / " + std::to_string(st.messages_received));
  out += tile("echo mismatches", std::to_string(st.echo_mismatches));
  out += tile("handshake p99", quantile(st.handshake_latency, 0.99));
  out += tile("message RTT p99", quantile(st.message_rtt, 0.99));
  if (s.capacity)
    out += tile("sustained capacity",
                s.capacity->sustained ? level_label(s.capacity->of, *s.capacity->sustained) : "none");
  if (s.generator_fds_before >= 0)
    out += tile("generator fds before / after",
                std::to_string(s.generator_fds_before) + " / " + std::to_string(s.generator_fds_after));
  return out + "</dl>\n</section>\n";
}

// Names each phase's shade once for all charts.
std::string phase_legend(const RunReport& report) {
  std::string out = "<ul class=\"legend phase-legend\">";
  if (report.profile->capacity) out += "<li>each step of the search and its drain in a shade of its own</li>";
  for (size_t i = 0; i < report.profile->phases.size(); ++i)
    out += "<li><span class=\"swatch tone-" + std::to_string(i % 6) + "\"></span>phase " +
           html_escape(report.profile->phases[i].name) + "</li>";
  out += "<li><span class=\"swatch idle\"></span>no phase running (baseline, settle)</li>";
  if (report.profile->cycles > 1) out += "<li>dashed line: a cycle begins</li>";
  return out + "</ul>\n";
}

std::string charts(const RunReport& report) {
  const ReportCharts built = report_charts(report);
  std::string out = "<section id=\"charts\">\n<h2>Over time</h2>\n" + phase_legend(report);
  for (const LineChart& chart : built.charts) out += render_chart_figure(chart);
  for (const std::string& note : built.notes) out += "<p class=\"note\">" + html_escape(note) + "</p>\n";
  return out + "</section>\n";
}

std::string section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\">\n<h2>" + html_escape(title) + "</h2>\n<div class=\"table-wrap\">\n" + body +
         "</div>\n</section>\n";
}

std::string leak_section(const RunReport& report) {
  std::string body = "<p>overall: <span class=\"" + leak_class(report.overall_leak_verdict) + "\">" +
                     html_escape(report.overall_leak_verdict) + "</span></p>\n";
  if (report.monitored || !report.verdicts.empty()) body += leak_verdict_table_html(report.verdicts);
  if (std::string by_pattern = leak_by_pattern_table_html(report.verdicts); !by_pattern.empty())
    body += "<h3>By close pattern</h3>\n" + by_pattern;
  return section("leak-verdict", "Leak verdict by resource", body);
}

}  // namespace

std::string render_html_report(const RunReport& report) {
  const RunSummary& s = *report.summary;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Says so to the browser too: nothing on this page may be fetched from anywhere.
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  out += "<title>wsloadgen " + html_escape(s.verdict) + ": " + html_escape(s.profile_name) + "</title>\n";
  out += "<style>" + std::string(html_report_style()) + "</style>\n</head>\n<body>\n";
  out += "<h1>wsloadgen report: " + html_escape(s.profile_name) + "</h1>\n";
  out += banner(report);
  out += key_numbers(report);
  out += charts(report);
  out += steps_section_html(s);
  out += section("checks", "Threshold checks", checks_table_html(report.checks));
  out += leak_section(report);
  out += section("close-patterns", "Closes by pattern", close_pattern_table_html(s.stats));
  out += section("latencies", "Latencies", latency_table_html(s.stats));
  out += "<section id=\"profile\">\n<h2>Profile</h2>\n<details><summary>as resolved (secrets redacted)</summary><pre>" +
         html_escape(render_resolved_profile(*report.profile)) + "</pre></details>\n</section>\n";
  out += "<footer>wsloadgen " WSLOADGEN_VERSION " · the same run as report.json (schema version " +
         std::to_string(kReportSchemaVersion) + "), junit.xml and timeseries.csv beside this file</footer>\n";
  return out + "</body>\n</html>\n";
}

}  // namespace wsl
