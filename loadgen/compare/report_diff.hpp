// The comparison of two reports (docs/capacity-and-compare.md): every figure side by side with its change, judged by
// the figure table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compare/report_figures.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

enum class RowOutcome {
  same,          // equal, or a change within the figure's noise
  better,
  worse,         // worse, but within --max-regression (or a figure that is shown, not judged)
  regressed,     // worse past the bound, or a verdict that became FAIL, LEAK or INTERRUPTED: exit 1
  not_compared,  // only one report has it
  last = not_compared,
};
inline constexpr EnumNames<RowOutcome> kRowOutcomeNames = {"same", "better", "worse", "REGRESSED", "not in both"};
static_assert(names_complete<RowOutcome>(kRowOutcomeNames));
constexpr const char* to_string(RowOutcome outcome) { return name_in(kRowOutcomeNames, outcome); }

struct ComparisonRow {
  std::string label;
  std::optional<FigureKind> kind;   // absent: a verdict row
  std::optional<double> base, next;
  std::string base_verdict, next_verdict;
  std::optional<double> change;     // relative: (next - base) / |base|; ±infinity from 0
  RowOutcome outcome = RowOutcome::same;
};

struct Comparison {
  double max_regression = 0.10;  // a fraction: 0.10 for 10%
  std::vector<ComparisonRow> rows;  // figures in the base report's order, then the verdicts
  std::vector<std::string> regressions;  // one line per regressed row, for the closing lines

  int exit_code() const { return regressions.empty() ? 0 : 1; }
};

Comparison compare_reports(const ReportFigures& base, const ReportFigures& next, double max_regression);

}  // namespace wsl
