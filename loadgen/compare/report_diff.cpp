// Diffs two reports' figures and verdicts; which way is worse comes from the figure table alone.
#include "compare/report_diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace wsl {
namespace {

// PASS < INCONCLUSIVE < a verdict that fails a run.
int verdict_rank(const std::string& verdict) {
  if (verdict == "PASS") return 0;
  if (verdict == "FAIL" || verdict == "LEAK" || verdict == "INTERRUPTED") return 2;
  return 1;  // INCONCLUSIVE, "not monitored", anything newer
}

std::string percent(double fraction) {
  if (std::isinf(fraction)) return fraction > 0 ? "+inf%" : "-inf%";
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", fraction * 100);
  return text;
}

ComparisonRow figure_row(const Figure* base, const Figure* next, double bound) {
  const Figure& any = base ? *base : *next;
  const FigureRule& rule = rule_of(any.kind);
  ComparisonRow row;
  row.label = any.label;
  row.kind = any.kind;
  if (base) row.base = base->value;
  if (next) row.next = next->value;
  if (rule.absent_is_zero) {
    if (!base) row.base = 0;
    if (!next) row.next = 0;
  }
  if (!row.base || !row.next) {
    row.outcome = RowOutcome::not_compared;
    return row;
  }
  const double diff = *row.next - *row.base;
  const double magnitude = std::abs(*row.base);
  row.change = magnitude > 0 ? diff / magnitude
                             : diff == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), diff);
  const double worse_by = rule.worse == Worse::higher ? diff : -diff;
  // Judged when the table says so and neither report marks its figure as not comparable.
  const bool judged = rule.judged && (!base || base->judged) && (!next || next->judged);
  const double noise = std::max({rule.noise, base ? base->noise : 0.0, next ? next->noise : 0.0});
  if (std::abs(diff) <= noise) row.outcome = RowOutcome::same;
  else if (worse_by < 0) row.outcome = RowOutcome::better;
  else if (judged && (magnitude > 0 ? worse_by / magnitude : INFINITY) > bound)
    row.outcome = RowOutcome::regressed;
  else
    row.outcome = RowOutcome::worse;
  return row;
}

ComparisonRow verdict_row(const VerdictFigure* base, const VerdictFigure* next) {
  ComparisonRow row;
  row.label = (base ? base : next)->label;
  if (base) row.base_verdict = base->verdict;
  if (next) row.next_verdict = next->verdict;
  if (!base || !next) {
    row.outcome = RowOutcome::not_compared;
    return row;
  }
  const int from = verdict_rank(base->verdict), to = verdict_rank(next->verdict);
  if (base->verdict == next->verdict) row.outcome = RowOutcome::same;
  else if (to == 2 && from < 2) row.outcome = RowOutcome::regressed;
  else row.outcome = to > from ? RowOutcome::worse : to < from ? RowOutcome::better : RowOutcome::same;
  return row;
}

// Every key of `base` in its order, then the keys only `next` has.
template <typename T>
std::vector<std::pair<const T*, const T*>> pair_up(const std::vector<T>& base, const std::vector<T>& next) {
  std::map<std::string, const T*> in_next;
  for (const T& item : next) in_next.emplace(item.key, &item);
  std::vector<std::pair<const T*, const T*>> out;
  std::map<std::string, bool> seen;
  for (const T& item : base) {
    if (seen[item.key]) continue;
    seen[item.key] = true;
    const auto it = in_next.find(item.key);
    out.emplace_back(&item, it == in_next.end() ? nullptr : it->second);
  }
  for (const T& item : next)
    if (!seen[item.key]) {
      seen[item.key] = true;
      out.emplace_back(nullptr, &item);
    }
  return out;
}

}  // namespace

Comparison compare_reports(const ReportFigures& base, const ReportFigures& next, double max_regression) {
  Comparison out;
  out.max_regression = max_regression;
  for (const auto& [b, n] : pair_up(base.figures, next.figures)) {
    ComparisonRow row = figure_row(b, n, max_regression);
    if (row.outcome == RowOutcome::regressed)
      out.regressions.push_back(row.label + " " + percent(*row.change) + " (" +
                                to_string(rule_of(*row.kind).worse) +
                                " is worse; bound " + percent(max_regression).substr(1) + ")");
    out.rows.push_back(std::move(row));
  }
  for (const auto& [b, n] : pair_up(base.verdicts, next.verdicts)) {
    ComparisonRow row = verdict_row(b, n);
    if (row.outcome == RowOutcome::regressed)
      out.regressions.push_back(row.label + " " + row.base_verdict + " -> " + row.next_verdict);
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace wsl
