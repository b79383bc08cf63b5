// What `wsloadgen compare` reads of a report.json: its figures and verdicts, each under a stable key (pure).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "compare/figure_table.hpp"

namespace wsl {

struct Figure {
  std::string key;    // matches the same figure in another report, e.g. "latency.handshake.p99"
  std::string label;  // as printed, e.g. "handshake p99"
  FigureKind kind;
  std::optional<double> value;  // absent: the report has the key but no value (null)
  bool judged = true;           // false: this report's figure is not comparable (a search's whole-run figures, or
                                // a quantile of too few samples: quantile_rests_on_enough_samples)
  double noise = 0;             // this report's own noise for the figure, when larger than the table's (a count's
                                // leak limit: a change within what the run itself tolerates is not a regression)
};

struct VerdictFigure {
  std::string key;    // "verdict", "leak", "leak.fds", "leak.rss.rst"
  std::string label;
  std::string verdict;  // PASS, FAIL, INTERRUPTED, LEAK, INCONCLUSIVE, ...
};

struct ReportFigures {
  std::string source;  // the file it came from, for messages
  std::string profile;
  std::string target;
  std::vector<Figure> figures;
  std::vector<VerdictFigure> verdicts;
};

// The figures of a parsed report.json of schema version 1; nullopt with *error (the key and what was wrong) when it
// is not one: another schema version, a missing key every version-1 report has, a value of the wrong type.
std::optional<ReportFigures> figures_of(const nlohmann::json& report, std::string* error);

}  // namespace wsl
