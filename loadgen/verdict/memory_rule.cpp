// The memory leak rule: warm-up reported apart, a gross bound after it, and the growth per connection closed,
// per close pattern when the run is attributed (rules in leak_verdict.hpp).
#include <algorithm>
#include <cmath>
#include <string>

#include "verdict/leak_rules.hpp"
#include "verdict/per_connection_rate.hpp"

namespace wsl {

namespace {

std::string bytes(double v) { return format_amount(AmountUnit::bytes, v); }
std::string bytes_change(double v) { return format_change(AmountUnit::bytes, v); }
std::string count(double v) { return format_amount(AmountUnit::count, v); }

// The blocks after warm-up and the level they start from.
struct JudgedSpan {
  std::size_t first = 0;          // index of the first judged block
  std::optional<double> anchor;   // the level at the end of warm-up (the baseline without warm-up)
  std::size_t warmup_cycles = 0;  // cycles that were warm-up
};

JudgedSpan judged_span(const ResourceFacts& f) {
  JudgedSpan span;
  span.anchor = f.baseline;
  for (std::size_t i = 0; i < f.blocks.size(); ++i) {
    if (!f.blocks[i].warmup) continue;
    span.first = i + 1;
    span.anchor = f.levels[i];
    span.warmup_cycles = std::max<std::size_t>(span.warmup_cycles, f.blocks[i].cycle + 1);
  }
  return span;
}

// A level this far below the high-water mark is memory returned to the OS (V8 does it tens of MiB at a time), not
// the jitter of a sawtoothing heap: 5% of the mark, at least 1 MiB, and at least four times the median change
// between consecutive judged levels.
double return_threshold(const ResourceFacts& f, const JudgedSpan& span, double high_water) {
  std::vector<double> changes;
  std::optional<double> previous = span.anchor;
  for (std::size_t i = span.first; i < f.levels.size(); ++i) {
    if (!f.levels[i]) continue;
    if (previous) changes.push_back(std::abs(*f.levels[i] - *previous));
    previous = f.levels[i];
  }
  const double typical = median(changes).value_or(0);
  return std::max({1048576.0, 0.05 * high_water, 4 * typical});
}

// Each judged block's growth (`pooled`: every block as one group "all"; else each measured block as its pattern):
// how far its level pushed the high-water mark of the settled levels (from the level
// at the end of warm-up). A leak is memory never given back, so it can only push that mark up; a level a little
// below the mark is jitter and grew nothing. A runtime that returns heap pages to the OS grows back over the next
// blocks, and what those blocks show is its regrowth mixed with their own growth: from such a return until a
// level is back near the mark, blocks give no increment; nor does the one that gets back, which mixes them all,
// nor, when that one is still below the mark, the first later one past it (growth hidden under the mark during
// the return shows there). A block without a level gives none, and the next counts from the mark as it stands.
std::vector<LevelIncrement> increments(const ResourceFacts& f, const JudgedSpan& span, bool pooled) {
  auto group = [&](std::size_t i) { return pooled ? std::string("all") : f.blocks[i].group; };
  std::vector<LevelIncrement> out;
  double high_water = *span.anchor;
  bool recovering = false;
  bool hidden_growth = false;  // back near the mark after a return, not yet past it
  for (std::size_t i = span.first; i < f.levels.size(); ++i) {
    if (!f.levels[i]) continue;
    const double level = *f.levels[i];
    if (level < high_water - return_threshold(f, span, high_water)) {
      recovering = true;
      continue;
    }
    const double growth = std::max(0.0, level - high_water);
    high_water += growth;
    if (recovering || (hidden_growth && growth > 0)) {
      hidden_growth = recovering && growth == 0;
      recovering = false;
      continue;
    }
    // A flush block takes what the block before it left pending in a GC heap (LoadBlock::flush): not its own, but
    // part of the whole when every pattern is judged together.
    if (f.blocks[i].flush && !pooled) continue;
    out.push_back({group(i), growth, f.blocks[i].connections_closed});
  }
  return out;
}

std::string interval_text(const GroupRate& g) {
  if (!g.bounded()) return "";
  return " (95% CI " + bytes_change(g.low) + ".." + bytes_change(g.high) + ")";
}

// How many cycles in all would decide, if the noise and block sizes stay as measured.
std::string cycles_to_decide(const RateFit& fit, const GroupRate& g, double limit, std::size_t warmup_cycles) {
  const std::size_t k =
      increments_to_decide(fit, g.connections / double(std::max<std::size_t>(g.increments, 1)), g.per_connection - limit);
  if (k == 0) return "the rate is within noise of the limit: more connections per cycle would decide sooner";
  return "about " + std::to_string(warmup_cycles + k) + " cycles in all would decide";
}

// One group's verdict on its rate; `what` names the blocks, e.g. "7200 connections over 3 cycles after warm-up".
PatternShare judge_rate(const RateFit& fit, const GroupRate& g, const LeakCheck& check, std::size_t warmup_cycles) {
  const double limit = check.rss_per_connection_max;
  PatternShare share{.pattern = g.group, .connections = g.connections, .change = g.change};
  share.per_connection = g.per_connection;
  if (g.bounded()) share.low = g.low, share.high = g.high;
  const std::string figure = bytes_change(g.per_connection) + " per connection" + interval_text(g);
  const std::string limit_text = "rss_per_connection_max " + bytes(limit);
  const std::string basis = count(g.connections) + " connections in " + std::to_string(g.increments) +
                            (g.increments == 1 ? " block" : " blocks") + " after warm-up";
  if (!g.bounded()) {
    share.verdict = Verdict::inconclusive;
    share.reason = figure + " from " + basis + ": too few blocks to estimate the noise; " +
                   "at least " + std::to_string(warmup_cycles + 2) + " cycles are needed";
  } else if (g.low > limit) {
    share.verdict = Verdict::leak;
    share.reason = figure + " > " + limit_text + ", " + basis;
  } else if (g.high < limit) {
    share.verdict = Verdict::pass;
    share.reason = figure + " < " + limit_text + ", " + basis;
  } else {
    share.verdict = Verdict::inconclusive;
    share.reason = figure + " includes " + limit_text + ", " + basis + "; " +
                   cycles_to_decide(fit, g, limit, warmup_cycles);
  }
  return share;
}

// rss_slope_max, when set: the cycle-end levels after warm-up against the cycle number.
std::optional<std::string> slope_leak(const ResourceFacts& f, const JudgedSpan& span, const LeakCheck& check) {
  if (!check.rss_slope_max) return std::nullopt;
  std::vector<double> cycle, level;
  for (std::size_t i = span.first; i < f.blocks.size(); ++i) {
    const bool cycle_end = i + 1 == f.blocks.size() || f.blocks[i + 1].cycle != f.blocks[i].cycle;
    if (!cycle_end || !f.levels[i]) continue;
    cycle.push_back(double(f.blocks[i].cycle));
    level.push_back(*f.levels[i]);
  }
  const auto trend = theil_sen(cycle, level, kTrendConfidence);
  if (!trend || !trend->bounded() || !(trend->low > *check.rss_slope_max)) return std::nullopt;
  return "rising " + bytes_change(trend->slope) + "/cycle over " + std::to_string(trend->points) +
         " cycles after warm-up (95% CI " + bytes_change(trend->low) + ".." + bytes_change(trend->high) +
         ") > rss_slope_max " + bytes(*check.rss_slope_max) + "/cycle";
}

}  // namespace

void memory_rule(const ResourceFacts& f, const LeakCheck& check, ResourceVerdict& out) {
  const JudgedSpan span = judged_span(f);
  const std::string warmup_text =
      span.first > 0 && span.anchor ? "; warm-up " + bytes_change(*span.anchor - f.baseline) + " (not judged)" : "";
  if (span.first > 0 && span.anchor) out.warmup_change = *span.anchor - f.baseline;
  out.limit = check.rss_per_connection_max;
  out.limit_name = "rss_per_connection_max";
  if (!span.anchor) {
    out.verdict = Verdict::inconclusive;
    out.reason = comparison(f) + "; the warm-up's last settle had too few samples to start the judged part from";
    return;
  }
  if (span.first >= f.blocks.size()) {
    out.verdict = Verdict::inconclusive;
    out.reason = comparison(f) + ", all in warm-up (not judged); memory per connection needs cycles after " +
                 "warm-up: run at least " + std::to_string(span.warmup_cycles + 2) + " cycles";
    return;
  }

  out.judged_change = f.after - *span.anchor;
  const bool exploded = *out.judged_change > double(check.rss_delta_max);
  const std::string gross = bytes_change(*out.judged_change) + " after warm-up" + (exploded ? " > " : " <= ") +
                            "rss_delta_max " + bytes(double(check.rss_delta_max));

  const std::vector<LevelIncrement> pooled_increments = increments(f, span, true);
  const RateFit pooled = fit_per_connection_rates(pooled_increments, kTrendConfidence);
  std::optional<PatternShare> all;
  if (!pooled.groups.empty()) {
    const GroupRate& g = pooled.groups.front();
    out.per_connection = g.per_connection;
    if (g.bounded()) out.per_connection_low = g.low, out.per_connection_high = g.high;
    all = judge_rate(pooled, g, check, span.warmup_cycles);
  }

  // Held patterns' shares are reported but do not decide the resource (LoadBlock::held).
  std::vector<std::string> held_groups;
  for (const LoadBlock& b : f.blocks)
    if (b.held) held_groups.push_back(b.group);
  auto is_held = [&](const std::string& group) {
    return std::find(held_groups.begin(), held_groups.end(), group) != held_groups.end();
  };
  bool attributed = false;
  for (std::size_t i = span.first; i < f.blocks.size(); ++i) attributed = attributed || f.blocks[i].group != "all";
  std::vector<PatternShare> judged;
  if (attributed) {
    const RateFit fit = fit_per_connection_rates(increments(f, span, false), kTrendConfidence);
    // In the order the patterns first ran (the mix's order), whatever order the later cycles ran them in.
    for (const LoadBlock& block : f.blocks)
      for (const GroupRate& g : fit.groups)
        if (g.group == block.group && std::none_of(judged.begin(), judged.end(), [&](const PatternShare& s) {
              return s.pattern == g.group;
            }))
          judged.push_back(judge_rate(fit, g, check, span.warmup_cycles));
    for (PatternShare& share : judged) {
      if (!is_held(share.pattern)) continue;
      share.verdict = Verdict::inconclusive;
      share.reason = "not judged: " + share.reason + "; a held pattern runs once, with too few connections for a "
                     "rate (its dead peers are what checks.reap judges)";
    }
    out.by_pattern = judged;
    judged.erase(std::remove_if(judged.begin(), judged.end(), [&](const PatternShare& s) { return is_held(s.pattern); }),
                 judged.end());
  } else if (all) {
    judged.push_back(*all);
  }

  Verdict verdict = exploded ? Verdict::leak : Verdict::pass;
  if (judged.empty()) verdict = worse(verdict, Verdict::inconclusive);
  for (const PatternShare& s : judged) verdict = worse(verdict, s.verdict);
  // Attributed: every pattern together still judges the whole, so a leak whose growth a GC runtime spreads over
  // several patterns' blocks is not missed because no one pattern can be blamed.
  const bool leaks_together = attributed && all && all->verdict == Verdict::leak;
  if (leaks_together) verdict = Verdict::leak;
  const std::optional<std::string> slope = slope_leak(f, span, check);
  if (slope) verdict = Verdict::leak;
  out.verdict = verdict;

  std::string rate_text;
  if (!attributed && all) {
    rate_text = all->reason;
  } else if (attributed) {
    for (const PatternShare& s : judged) {
      rate_text += (rate_text.empty() ? "by pattern: " : ", ") + s.pattern + " " +
                   bytes_change(*s.per_connection) + "/conn";
      if (s.low) rate_text += " (" + bytes_change(*s.low) + ".." + bytes_change(*s.high) + ")";
      rate_text += std::string(" ") + to_string(s.verdict);
    }
    rate_text += " against rss_per_connection_max " + bytes(check.rss_per_connection_max);
    if (all)
      rate_text += "; every pattern together " + bytes_change(*all->per_connection) + "/conn" +
                   (all->low ? " (" + bytes_change(*all->low) + ".." + bytes_change(*all->high) + ")" : "") + " " +
                   to_string(all->verdict);
  } else {
    rate_text = "no block after warm-up had a level to judge";
  }
  if (exploded) {
    out.limit = double(check.rss_delta_max);
    out.limit_name = "rss_delta_max";
    out.reason = gross + "; " + rate_text + warmup_text;
  } else if (slope) {
    out.limit = *check.rss_slope_max;
    out.limit_name = "rss_slope_max";
    out.reason = *slope + "; " + rate_text + "; " + gross + warmup_text;
  } else {
    out.reason = rate_text + "; " + gross + warmup_text;
  }
}

}  // namespace wsl
