// The per-kind leak rules: counts against their limit (per pattern when attributed), CLOSE_WAIT, scraped series.
#include "verdict/leak_rules.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace wsl {

namespace {

constexpr double kNoLimit = std::numeric_limits<double>::quiet_NaN();

std::string amount(const ResourceFacts& f, double v) { return format_amount(f.unit, v); }
std::string change(const ResourceFacts& f, double v) { return format_change(f.unit, v); }

bool trend_bounded(const ResourceFacts& f) { return f.trend && f.trend->bounded(); }

// Rising with 97.5% one-sided confidence, and above the baseline: the trend is clearly positive.
bool clearly_rising(const ResourceFacts& f) { return trend_bounded(f) && f.trend->low > 0 && f.delta > 0; }

bool attributed(const ResourceFacts& f) {
  for (const LoadBlock& b : f.blocks)
    if (b.group != "all") return true;
  return false;
}

std::string with_trend(std::string text, const ResourceFacts& f) {
  const std::string trend = trend_text(f);
  return trend.empty() ? text : text + "; trend " + trend;
}

void decide(ResourceVerdict& out, Verdict verdict, double limit, const char* limit_name, std::string reason) {
  out.verdict = verdict;
  out.limit = limit;
  out.limit_name = limit_name;
  out.reason = std::move(reason);
}

// Each pattern's share of a count: the level changes over its blocks, every block included (counts have no
// warm-up), each against the level before it (the baseline before the first block). A share above the limit is
// that pattern's LEAK only when the resource leaked as a whole: what a later block gave back was held for longer
// than a settle, not kept.
std::vector<PatternShare> count_shares(const ResourceFacts& f, double limit, const char* limit_name, bool leaked) {
  std::vector<PatternShare> shares;
  std::optional<double> previous = f.baseline;
  for (std::size_t i = 0; i < f.levels.size(); ++i) {
    const std::optional<double> level = f.levels[i];
    if (level && previous) {
      PatternShare* share = nullptr;
      for (PatternShare& s : shares)
        if (s.pattern == f.blocks[i].group) share = &s;
      if (!share) {
        share = &shares.emplace_back();
        share->pattern = f.blocks[i].group;
      }
      share->change += *level - *previous;
      share->connections += f.blocks[i].connections_closed;
    }
    previous = level;
  }
  for (PatternShare& s : shares) {
    if (s.connections > 0) s.per_connection = s.change / s.connections;
    const bool above = s.change > limit;
    s.verdict = above && leaked ? Verdict::leak : Verdict::pass;
    s.reason = change(f, s.change) + " over its blocks" +
               (s.per_connection ? " (" + change(f, *s.per_connection) + " per connection)" : "") +
               (above ? " > " : " <= ") + limit_name + " " + amount(f, limit) +
               (above && !leaked ? ", given back during later blocks" : "");
  }
  return shares;
}

// "; by pattern: rst +400 (LEAK), clean +0"
std::string shares_text(const ResourceFacts& f, const std::vector<PatternShare>& shares) {
  std::string text;
  for (const PatternShare& s : shares) {
    text += (text.empty() ? "; by pattern: " : ", ") + s.pattern + " " + change(f, s.change);
    if (s.verdict == Verdict::leak) text += " (LEAK)";
  }
  return text;
}

// Counts judged against a limit on their delta from the pre-load baseline: fds and the like, and CLOSE_WAIT.
void count_rule(const ResourceFacts& f, double limit, const char* limit_name, ResourceVerdict& out) {
  const bool leaked = f.delta > limit;
  if (attributed(f)) out.by_pattern = count_shares(f, limit, limit_name, leaked);
  double closed = 0;
  for (const LoadBlock& b : f.blocks) closed += b.connections_closed;
  if (closed > 0) out.per_connection = f.delta / closed;
  const std::string shares = shares_text(f, out.by_pattern);
  const std::string limit_text = std::string(" ") + limit_name + " " + amount(f, limit);
  if (f.kind == ResourceKind::close_wait) {
    return decide(out, leaked ? Verdict::leak : Verdict::pass, limit, limit_name,
                  amount(f, f.after) + " stuck in CLOSE_WAIT after settle (baseline " + amount(f, f.baseline) +
                      "): " + change(f, f.delta) + (leaked ? " >" : " <=") + limit_text + shares);
  }
  if (leaked)
    return decide(out, Verdict::leak, limit, limit_name, with_trend(comparison(f) + " >" + limit_text, f) + shares);
  if (clearly_rising(f)) {
    return decide(out, Verdict::inconclusive, limit, limit_name,
                  comparison(f) + " <=" + limit_text + ", but rising " + trend_text(f) + shares);
  }
  decide(out, Verdict::pass, limit, limit_name, with_trend(comparison(f) + " <=" + limit_text, f) + shares);
}

void kernel_timed_rule(const ResourceFacts& f, ResourceVerdict& out) {
  decide(out, Verdict::pass, kNoLimit, "",
         comparison(f) + "; not judged, the kernel reaps this state on its own timer");
}

void counter_rule(const ResourceFacts& f, ResourceVerdict& out) {
  decide(out, Verdict::pass, kNoLimit, "", comparison(f) + "; a counter only grows, not judged");
}

void gauge_rule(const ResourceFacts& f, ResourceVerdict& out) {
  if (clearly_rising(f)) {
    return decide(out, Verdict::inconclusive, kNoLimit, "",
                  comparison(f) + ", rising " + trend_text(f) + "; no limit is configured for this series");
  }
  decide(out, Verdict::pass, kNoLimit, "", with_trend(comparison(f) + "; no limit configured, not rising", f));
}

}  // namespace

std::string comparison(const ResourceFacts& f) {
  return amount(f, f.after) + " after settle vs " + amount(f, f.baseline) + " baseline: " + change(f, f.delta);
}

std::string trend_text(const ResourceFacts& f) {
  if (!f.trend) return "";
  const char* step = attributed(f) ? "block" : "cycle";
  std::string text = change(f, f.trend->slope) + "/" + step + " over " + std::to_string(f.trend->points) + " " +
                     step + "s";
  if (f.trend->bounded()) {
    const int percent = int(std::lround(f.trend->confidence * 100));
    return text + " (" + std::to_string(percent) + "% CI " + change(f, f.trend->low) + ".." +
           change(f, f.trend->high) + ")";
  }
  return text + " (too few for an interval, needs " + std::to_string(kMinTrendCycles) + ")";
}

void apply_leak_rule(const ResourceFacts& facts, const LeakCheck& check, ResourceVerdict& out) {
  switch (facts.kind) {
    case ResourceKind::fd_count:
      return count_rule(facts, double(check.fd_delta_max), "fd_delta_max", out);
    case ResourceKind::close_wait:
      return count_rule(facts, double(check.close_wait_max), "close_wait_max", out);
    case ResourceKind::memory_bytes:
      return memory_rule(facts, check, out);
    case ResourceKind::kernel_timed:
      return kernel_timed_rule(facts, out);
    case ResourceKind::counter:
      return counter_rule(facts, out);
    case ResourceKind::gauge:
      return gauge_rule(facts, out);
  }
}

}  // namespace wsl
