// The tables of report.html: checks, per-resource leak verdicts, closes by pattern, latencies.
#include "report/html_tables.hpp"

#include <cmath>

#include "report/html_text.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

struct Cell {
  std::string text;
  std::string css_class;  // e.g. "num" (right-aligned), "pass", "leak"
};

std::string table(const std::string& css_class, const std::vector<std::string>& headers,
                  const std::vector<std::vector<Cell>>& rows) {
  std::string out = "<table class=\"" + css_class + "\">\n<thead><tr>";
  for (const auto& h : headers) out += "<th>" + html_escape(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const Cell& c : row)
      out += (c.css_class.empty() ? "<td>" : "<td class=\"" + c.css_class + "\">") + html_escape(c.text) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

Cell number(uint64_t n) { return {std::to_string(n), "num"}; }

std::string verdict_class(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::leak: return "fail";
    case Verdict::inconclusive: return "inconclusive";
  }
  return "";
}

std::string slope_text(const ResourceVerdict& v) {
  if (!v.slope_per_cycle) return "-";
  std::string text = format_change(v.unit, *v.slope_per_cycle) + "/cycle";
  if (v.slope_low && v.slope_high)
    text += " [" + format_change(v.unit, *v.slope_low) + ", " + format_change(v.unit, *v.slope_high) + "]";
  return text;
}

std::string limit_text(const ResourceVerdict& v) {
  if (v.limit_name.empty() || !std::isfinite(v.limit)) return "-";
  return v.limit_name + " " + format_amount(v.unit, v.limit);
}

// The quantiles asked for and the max, or dashes when nothing was recorded (a zero would read as "instant").
void add_quantiles(std::vector<Cell>& row, const LatencyHistogram& h, std::initializer_list<double> quantiles) {
  for (double q : quantiles) row.push_back({h.count() ? human_duration(h.quantile(q)) : "-", "num"});
  row.push_back({h.count() ? human_duration(h.max()) : "-", "num"});
}

std::string codes_text(const std::map<int, uint64_t>& codes) {
  std::string out;
  for (const auto& [code, n] : codes)
    out += (out.empty() ? "" : " ") + (code == 0 ? std::string("none") : std::to_string(code)) + "×" + std::to_string(n);
  return out.empty() ? "-" : out;
}

}  // namespace

std::string checks_table_html(const std::vector<CheckResult>& checks) {
  if (checks.empty()) return "<p class=\"note\">no threshold checks</p>\n";
  std::vector<std::vector<Cell>> rows;
  for (const CheckResult& c : checks)
    rows.push_back({{c.name, ""}, {c.passed ? "PASS" : "FAIL", c.passed ? "pass" : "fail"}, {c.detail, ""}});
  return table("checks", {"check", "result", "detail"}, rows);
}

std::string leak_verdict_table_html(const std::vector<ResourceVerdict>& verdicts) {
  if (verdicts.empty()) return "<p class=\"note\">no resources judged</p>\n";
  std::vector<std::vector<Cell>> rows;
  for (const ResourceVerdict& v : verdicts)
    rows.push_back({{v.resource, ""},
                    {to_string(v.verdict), verdict_class(v.verdict)},
                    {format_amount(v.unit, v.baseline), "num"},
                    {format_amount(v.unit, v.after), "num"},
                    {format_change(v.unit, v.delta), "num"},
                    {limit_text(v), ""},
                    {slope_text(v), ""},
                    {v.reason, "reason"}});
  return table("leak-verdicts", {"resource", "verdict", "baseline", "after settle", "delta", "limit", "trend", "why"},
               rows);
}

std::string leak_by_pattern_table_html(const std::vector<ResourceVerdict>& verdicts) {
  std::vector<std::vector<Cell>> rows;
  for (const ResourceVerdict& v : verdicts) {
    for (const PatternShare& s : v.by_pattern) {
      const std::string interval =
          s.low && s.high ? format_change(v.unit, *s.low) + " .. " + format_change(v.unit, *s.high) : "-";
      rows.push_back({{s.pattern, ""},
                      {v.resource, ""},
                      {to_string(s.verdict), verdict_class(s.verdict)},
                      {format_amount(AmountUnit::count, s.connections), "num"},
                      {format_change(v.unit, s.change), "num"},
                      {s.per_connection ? format_change(v.unit, *s.per_connection) : "-", "num"},
                      {interval, "num"},
                      {s.reason, "reason"}});
    }
  }
  if (rows.empty()) return "";
  return table("leak-by-pattern",
               {"pattern", "resource", "verdict", "connections", "change", "per connection", "95% CI", "why"}, rows);
}

std::string close_pattern_table_html(const RunStats& stats) {
  std::vector<std::vector<Cell>> rows;
  for (int i = 0; i < kClosePatternCount; ++i) {
    const PatternStats& p = stats.patterns[i];
    if (p.started == 0 && p.codes_received.empty()) continue;
    std::vector<Cell> row{{to_string(ClosePattern(i)), ""}, number(p.started)};
    for (uint64_t n : p.outcomes) row.push_back(number(n));
    add_quantiles(row, p.close_latency, {0.50, 0.99});
    add_quantiles(row, p.server_reclaim_time, {0.50, 0.99});
    row.push_back({codes_text(p.codes_received), ""});
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return "<p class=\"note\">no closes</p>\n";
  static_assert(kCloseOutcomeCount == 5, "one header per close outcome");
  // Outcome headers are the summary's short forms, so the table fits a page; p90 is left to report.json.
  std::vector<std::string> headers{"pattern", "started", "completed", "srv_first", "timed_out", "srv_never", "error",
                                   "close p50", "p99", "max", "reclaim p50", "p99", "max", "close codes received"};
  return table("close-patterns", headers, rows);
}

std::string latency_table_html(const RunStats& stats) {
  std::vector<std::vector<Cell>> rows;
  const std::pair<const char*, const LatencyHistogram*> measured[] = {
      {"connect", &stats.connect_latency},
      {"handshake", &stats.handshake_latency},
      {"message_rtt", &stats.message_rtt},
      {"timer_lateness (the generator's own)", &stats.timer_lateness}};
  for (const auto& [name, h] : measured) {
    std::vector<Cell> row{{name, ""}, number(h->count())};
    add_quantiles(row, *h, {0.50, 0.90, 0.99});
    rows.push_back(std::move(row));
  }
  return table("latencies", {"latency (from the intended time)", "count", "p50", "p90", "p99", "max"}, rows);
}

}  // namespace wsl
