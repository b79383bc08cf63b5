// Summary lines for the leak verdict; the numbers and units are already in each verdict's reason.
#include "verdict/verdict_lines.hpp"

#include <algorithm>

namespace wsl {

namespace {

// Problems first, so that on a long list the line that matters is not scrolled away.
int severity_rank(Verdict v) {
  switch (v) {
    case Verdict::leak:
      return 0;
    case Verdict::inconclusive:
      return 1;
    case Verdict::pass:
      return 2;
  }
  return 3;
}

std::string names_with(std::span<const ResourceVerdict> verdicts, Verdict which) {
  std::string names;
  for (const ResourceVerdict& v : verdicts) {
    if (v.verdict != which) continue;
    if (!names.empty()) names += ", ";
    names += v.resource;
  }
  return names;
}

std::size_t count_of(std::span<const ResourceVerdict> verdicts, Verdict which) {
  std::size_t n = 0;
  for (const ResourceVerdict& v : verdicts) n += v.verdict == which ? 1 : 0;
  return n;
}

}  // namespace

std::string verdict_line(const ResourceVerdict& verdict) {
  return std::string(to_string(verdict.verdict)) + " " + verdict.resource + ": " + verdict.reason;
}

std::vector<std::string> verdict_lines(std::span<const ResourceVerdict> verdicts) {
  std::vector<std::string> lines;
  lines.reserve(verdicts.size());
  for (int rank = 0; rank <= 2; ++rank) {
    for (const ResourceVerdict& v : verdicts) {
      if (severity_rank(v.verdict) == rank) lines.push_back(verdict_line(v));
    }
  }
  return lines;
}

std::vector<std::string> pattern_lines(std::span<const ResourceVerdict> verdicts) {
  std::vector<std::string> patterns;
  for (const ResourceVerdict& v : verdicts)
    for (const PatternShare& s : v.by_pattern)
      if (std::find(patterns.begin(), patterns.end(), s.pattern) == patterns.end()) patterns.push_back(s.pattern);
  std::vector<std::string> lines;
  for (const std::string& pattern : patterns) {
    Verdict worst = Verdict::pass;
    double closed = 0;
    std::string figures;
    for (const ResourceVerdict& v : verdicts) {
      for (const PatternShare& s : v.by_pattern) {
        if (s.pattern != pattern) continue;
        worst = worse(worst, s.verdict);
        closed = std::max(closed, s.connections);
        const bool headline = v.resource == "fds" || v.resource == "sockets" || v.resource == "sockets.close_wait" ||
                              v.resource == "rss" || v.resource.rfind("scrape:", 0) == 0;
        if ((!headline && s.verdict == Verdict::pass) || !s.per_connection) continue;
        figures += (figures.empty() ? "" : ", ") + v.resource + " " + format_change(v.unit, *s.per_connection);
        if (s.low) figures += " (95% CI " + format_change(v.unit, *s.low) + ".." + format_change(v.unit, *s.high) + ")";
        if (s.verdict != Verdict::pass) figures += std::string(" ") + to_string(s.verdict);
      }
    }
    lines.push_back("by pattern " + pattern + " (" + format_amount(AmountUnit::count, closed) + " closed): " + figures +
                    " per connection: " + to_string(worst));
  }
  return lines;
}

std::string overall_verdict_line(std::span<const ResourceVerdict> verdicts) {
  const Verdict overall = overall_verdict(verdicts);
  std::string line = std::string("leak verdict: ") + to_string(overall);
  if (verdicts.empty()) return line + " (nothing was monitored)";
  const std::size_t leaks = count_of(verdicts, Verdict::leak);
  const std::size_t unsure = count_of(verdicts, Verdict::inconclusive);
  const std::size_t passes = count_of(verdicts, Verdict::pass);
  if (overall == Verdict::pass) return line + " (" + std::to_string(passes) + " resources)";
  if (leaks) line += " (" + names_with(verdicts, Verdict::leak) + ")";
  if (overall == Verdict::inconclusive) line += " (" + names_with(verdicts, Verdict::inconclusive) + ")";
  else if (unsure) line += ", " + std::to_string(unsure) + " inconclusive";
  return line + ", " + std::to_string(passes) + " pass";
}

}  // namespace wsl
