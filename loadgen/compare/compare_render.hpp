// `wsloadgen compare` output: the side-by-side table as text for the terminal, and as a self-contained HTML page.
#pragma once

#include <string>

#include "compare/report_diff.hpp"

namespace wsl {

struct ComparedFiles {
  std::string base, next;  // the report.json files read
  std::string base_profile, next_profile;
};

// A header line, one row per figure and verdict (label, base, new, change, outcome), then the regressions or a
// line saying there were none, and the exit code. Every line ends with '\n'.
std::string render_comparison_text(const Comparison& comparison, const ComparedFiles& files);

// The same as one page that needs nothing but itself (inline CSS, no scripts).
std::string render_comparison_html(const Comparison& comparison, const ComparedFiles& files);

}  // namespace wsl
