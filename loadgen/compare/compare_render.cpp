// Renders a comparison of two reports as a terminal table and as an HTML page.
#include "compare/compare_render.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "report/html_text.hpp"
#include "report/text_table.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

std::string printf_text(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string value_text(FigureUnit unit, double v) {
  switch (unit) {
    case FigureUnit::level: return printf_text(v == std::floor(v) ? "%.0f" : "%.1f", v);
    case FigureUnit::seconds: return human_duration(Duration(int64_t(std::llround(v * 1e9))));
    case FigureUnit::ratio: return printf_text("%.4f", v);
    case FigureUnit::count: return printf_text(v == std::floor(v) ? "%.0f" : "%.3g", v);
    case FigureUnit::bytes: return (v < 0 ? "-" : "") + human_bytes(uint64_t(std::llround(std::abs(v))));
  }
  return "";
}

std::string cell(const ComparisonRow& row, bool base) {
  if (!row.kind) {
    const std::string& verdict = base ? row.base_verdict : row.next_verdict;
    return verdict.empty() ? "-" : verdict;
  }
  const std::optional<double>& v = base ? row.base : row.next;
  return v ? value_text(rule_of(*row.kind).unit, *v) : "-";
}

std::string change_text(const ComparisonRow& row) {
  if (!row.change) return "";
  if (std::isinf(*row.change)) return *row.change > 0 ? "from 0" : "to 0";
  return printf_text("%+.1f%%", *row.change * 100);
}

std::string bound_text(const Comparison& c) { return printf_text("%g%%", c.max_regression * 100); }

std::string closing(const Comparison& c) {
  if (c.regressions.empty())
    return "compare: no figure got worse by more than " + bound_text(c) + " and no verdict became FAIL or LEAK "
           "(exit 0)\n";
  std::string out = "compare: " + std::to_string(c.regressions.size()) + " regression" +
                    (c.regressions.size() == 1 ? "" : "s") + " (exit 1):\n";
  for (const std::string& line : c.regressions) out += "  " + line + "\n";
  return out;
}

}  // namespace

std::string render_comparison_text(const Comparison& comparison, const ComparedFiles& files) {
  std::string out = "compare  base " + files.base + " (" + files.base_profile + ")  new " + files.next + " (" +
                    files.next_profile + ")  bound " + bound_text(comparison) + "\n";
  using A = TextTable::Align;
  TextTable table({A::left, A::right, A::right, A::right, A::left});
  table.add_row({"figure", "base", "new", "change", ""});
  for (const ComparisonRow& row : comparison.rows)
    table.add_row({row.label, cell(row, true), cell(row, false), change_text(row), to_string(row.outcome)});
  return out + table.render() + closing(comparison);
}

std::string render_comparison_html(const Comparison& comparison, const ComparedFiles& files) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  out += "<title>wsloadgen compare: " + html_escape(files.next_profile) + "</title>\n<style>"
         "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
         "table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}"
         "td:first-child,th:first-child,td:last-child{text-align:left}"
         ".regressed{background:#fbd5d5;font-weight:bold}.worse{background:#fdf0d5}.better{background:#dcf5dc}"
         ".not-in-both{color:#888}</style>\n</head>\n<body>\n<h1>wsloadgen compare</h1>\n";
  out += "<p>base <code>" + html_escape(files.base) + "</code> (" + html_escape(files.base_profile) + "), new <code>" +
         html_escape(files.next) + "</code> (" + html_escape(files.next_profile) + "), bound " +
         html_escape(bound_text(comparison)) + "</p>\n";
  out += "<p id=\"outcome\" data-exit-code=\"" + std::to_string(comparison.exit_code()) + "\">" +
         html_escape(closing(comparison)) + "</p>\n";
  out += "<table>\n<tr><th>figure</th><th>base</th><th>new</th><th>change</th><th></th></tr>\n";
  for (const ComparisonRow& row : comparison.rows) {
    std::string css = to_string(row.outcome);
    for (char& c : css) c = c == ' ' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
    out += "<tr class=\"" + css + "\"><td>" + html_escape(row.label) + "</td><td>" + html_escape(cell(row, true)) +
           "</td><td>" + html_escape(cell(row, false)) + "</td><td>" + html_escape(change_text(row)) + "</td><td>" +
           html_escape(to_string(row.outcome)) + "</td></tr>\n";
  }
  return out + "</table>\n</body>\n</html>\n";
}

}  // namespace wsl
