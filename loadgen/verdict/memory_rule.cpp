// The memory leak rule: warm-up reported apart, a gross bound after it, and the growth per connection closed,
// per close pattern when the run is attributed (rules in leak_verdict.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "verdict/leak_rules.hpp"
#include "verdict/memory_growth.hpp"
#include "verdict/per_connection_rate.hpp"

namespace wsl {

namespace {

std::string bytes(double v) { return format_amount(AmountUnit::bytes, v); }
std::string bytes_change(double v) { return format_change(AmountUnit::bytes, v); }
std::string count(double v) { return format_amount(AmountUnit::count, v); }

std::string interval_text(const GroupRate& g) {
  if (!g.bounded()) return "";
  return " (95% CI " + bytes_change(g.low) + ".." + bytes_change(g.high) + ")";
}

// How many cycles in all would decide, if the noise and block sizes stay as measured.
std::string cycles_to_decide(const RateFit& fit, const GroupRate& g, double limit, std::size_t warmup_cycles) {
  const std::size_t k = increments_to_decide(fit, g.connections / double(std::max<std::size_t>(g.increments, 1)),
                                             g.per_connection - limit);
  if (k == 0) return "the rate is within noise of the limit: more connections per cycle would decide sooner";
  return "about " + std::to_string(warmup_cycles + k) + " cycles in all would decide";
}

// One group's verdict on its rate. A pattern's LEAK must show in most of its blocks (`one_pattern`): a lump in
// one block (a GC heap growing when it happens to, a return's regrowth) can carry the mean. Every pattern together
// is judged on the mean: a GC heap's lumps are the whole's growth, whichever blocks they fall in.
PatternShare judge_rate(const RateFit& fit, const GroupRate& g, const LeakCheck& check, std::size_t warmup_cycles,
                        bool one_pattern) {
  const double limit = check.rss_per_connection_max;
  PatternShare share;
  share.pattern = g.group;
  share.connections = g.connections;
  share.change = g.change;
  share.per_connection = g.per_connection;
  if (g.bounded()) share.low = g.low, share.high = g.high;
  const std::string figure = bytes_change(g.per_connection) + " per connection" + interval_text(g);
  const std::string limit_text = "rss_per_connection_max " + bytes(limit);
  const std::string basis = count(g.connections) + " connections in " + std::to_string(g.increments) +
                            (g.increments == 1 ? " block" : " blocks") + " after warm-up";
  if (!g.bounded()) {
    share.verdict = Verdict::inconclusive;
    share.reason = figure + " from " + basis + ": too few blocks to estimate the noise; " + "at least " +
                   std::to_string(warmup_cycles + 2) + " cycles are needed";
  } else if (g.low > limit && one_pattern && (g.increments < 2 || g.median_per_connection <= limit)) {
    share.verdict = Verdict::inconclusive;
    share.reason = figure + " > " + limit_text + ", " + basis + ", but " +
                   (g.increments < 2 ? std::string("from a single block")
                                     : "most of its blocks grew less (median " +
                                           bytes_change(g.median_per_connection) + " per connection)");
  } else if (g.low > limit) {
    share.verdict = Verdict::leak;
    share.reason = figure + " > " + limit_text + ", " + basis;
  } else if (g.high < limit) {
    share.verdict = Verdict::pass;
    share.reason = figure + " < " + limit_text + ", " + basis;
  } else {
    share.verdict = Verdict::inconclusive;
    share.reason =
        figure + " includes " + limit_text + ", " + basis + "; " + cycles_to_decide(fit, g, limit, warmup_cycles);
  }
  return share;
}

// Every pattern together: each judged block's growth (flush and held blocks too) as group "all".
std::optional<PatternShare> judge_whole(const ResourceFacts& f, const std::vector<BlockGrowth>& growths,
                                        const LeakCheck& check, std::size_t warmup_cycles) {
  std::vector<LevelIncrement> increments;
  for (const BlockGrowth& g : growths) increments.push_back({"all", g.growth, f.blocks[g.block].connections_closed});
  const RateFit fit = fit_per_connection_rates(increments, kTrendConfidence);
  if (fit.groups.empty()) return std::nullopt;
  return judge_rate(fit, fit.groups.front(), check, warmup_cycles, false);
}

// Whether the patterns' own rates account for all the growth of their blocks, flush blocks included (a flush block
// grows by its own pattern's rate plus what the block before it left pending, and over a run those lags add up
// to what the patterns themselves grew). A GC runtime whose heap grows in lumps at GC cycles, blocks after what
// it keeps (Go: its heap goal doubles what is live), puts the growth in whichever blocks run then; the measured
// blocks then do not account for it, and no pattern can be blamed or cleared. The margin: the fit's noise over
// that many blocks at its confidence, a quarter of the growth, or half the limit per connection (less cannot
// change a verdict).
bool rates_account_for_growth(const ResourceFacts& f, const std::vector<BlockGrowth>& growths, const RateFit& fit,
                              double limit) {
  double total = 0, explained = 0, blocks = 0, connections = 0;
  for (const BlockGrowth& g : growths) {
    const LoadBlock& block = f.blocks[g.block];
    if (block.held) continue;
    const auto rate = std::find_if(fit.groups.begin(), fit.groups.end(),
                                   [&](const GroupRate& r) { return r.group == block.group; });
    if (rate == fit.groups.end()) continue;
    total += g.growth;
    explained += rate->per_connection * block.connections_closed;
    connections += block.connections_closed;
    ++blocks;
  }
  if (!std::isfinite(fit.noise_sd) || fit.degrees_of_freedom == 0) return true;
  const double noise = student_t_two_sided(kTrendConfidence, fit.degrees_of_freedom) * fit.noise_sd * std::sqrt(blocks);
  const double unexplained = std::abs(total - explained);
  return unexplained <= noise || unexplained <= 0.25 * std::abs(total) || unexplained <= 0.5 * limit * connections;
}

// A pattern's growth per connection in each judged cycle, from its measured blocks and, apart, from its flush blocks
// (held blocks run once and are not judged).
using CycleRates = std::map<uint32_t, double>;
struct PatternCycleRates {
  std::map<std::string, CycleRates> measured;
  std::map<std::string, CycleRates> flush;
};
PatternCycleRates rates_by_cycle(const ResourceFacts& f, const std::vector<BlockGrowth>& growths) {
  using Sums = std::map<std::string, std::map<uint32_t, std::pair<double, double>>>;  // growth, connections
  Sums measured, flush;
  for (const BlockGrowth& g : growths) {
    const LoadBlock& block = f.blocks[g.block];
    if (block.held || block.connections_closed <= 0) continue;
    auto& [growth, connections] = (block.flush ? flush : measured)[block.group][block.cycle];
    growth += g.growth;
    connections += block.connections_closed;
  }
  const auto rates = [](const Sums& sums) {
    std::map<std::string, CycleRates> out;
    for (const auto& [group, cycles] : sums)
      for (const auto& [cycle, sum] : cycles) out[group][cycle] = sum.first / sum.second;
    return out;
  };
  return {rates(measured), rates(flush)};
}

// The first judged cycle in which `own` did not grow more per connection than the least-growing other judged
// pattern by at least half the limit, if any.
std::optional<uint32_t> cycle_not_standing_out(const std::string& own, const std::vector<PatternShare>& shares,
                                               const std::map<std::string, CycleRates>& by_cycle, double limit) {
  const auto mine = by_cycle.find(own);
  if (mine == by_cycle.end()) return std::nullopt;
  for (const auto& [cycle, rate] : mine->second) {
    std::optional<double> lowest;
    for (const PatternShare& other : shares) {
      if (!other.judged || other.pattern == own) continue;
      const auto theirs = by_cycle.find(other.pattern);
      if (theirs == by_cycle.end()) continue;
      const auto same_cycle = theirs->second.find(cycle);
      if (same_cycle != theirs->second.end()) lowest = std::min(lowest.value_or(same_cycle->second), same_cycle->second);
    }
    if (lowest && rate - *lowest < 0.5 * limit) return cycle;
  }
  return std::nullopt;
}

// A pattern is blamed only when it grew clearly more than the least-growing other pattern (the difference's
// interval at the fit's confidence above zero, and the difference at least a quarter of its own rate): growth that
// every pattern's blocks show alike is the whole's, not one pattern's — a leak on every connection, or a GC heap
// that grows for what one pattern keeps during the blocks after it. And it must stand out in every judged cycle,
// in its measured block and in its flush block, not on average: a GC heap grows in lumps blocks after the
// allocation (Go's heap goal doubles what is live, so a lump is twice what the blocks before it kept), and lumps
// that land in a healthy pattern's measured blocks cycle after cycle can lift its rate above a leaking one's (Go's
// RSS did, in CI, three cycles out of three). A leak of the pattern's own grows both its blocks in every cycle,
// whatever ran before them; a lump has to land in all of them by chance. Its LEAK is otherwise INCONCLUSIVE, and
// the whole (judged on its own) still leaks.
void blame_only_what_stands_out(const RateFit& fit, const PatternCycleRates& by_cycle, double limit,
                                std::vector<PatternShare>& shares) {
  const double t = student_t_two_sided(fit.confidence, std::max<std::size_t>(fit.degrees_of_freedom, 1));
  auto rate_of = [&](const std::string& group) {
    return std::find_if(fit.groups.begin(), fit.groups.end(), [&](const GroupRate& g) { return g.group == group; });
  };
  auto standard_error = [&](const GroupRate& g) { return (g.high - g.low) / (2 * t); };
  for (PatternShare& share : shares) {
    if (share.verdict != Verdict::leak) continue;
    const GroupRate& own = *rate_of(share.pattern);
    const GroupRate* lowest = nullptr;
    for (const PatternShare& other : shares) {
      if (!other.judged || other.pattern == share.pattern) continue;
      const GroupRate& g = *rate_of(other.pattern);
      if (!lowest || g.per_connection < lowest->per_connection) lowest = &g;
    }
    if (!lowest || !lowest->bounded()) continue;
    const double difference = own.per_connection - lowest->per_connection;
    const double half_width = t * std::hypot(standard_error(own), standard_error(*lowest));
    if (difference - half_width <= 0 || difference < 0.25 * own.per_connection) {
      share.verdict = Verdict::inconclusive;
      share.reason += "; but not clearly more than " + lowest->group + " (" + bytes_change(lowest->per_connection) +
                      " per connection): growth every pattern shows alike is judged as a whole";
    } else if (const std::optional<uint32_t> cycle =
                   cycle_not_standing_out(share.pattern, shares, by_cycle.measured, limit)) {
      share.verdict = Verdict::inconclusive;
      share.reason += "; but in cycle " + std::to_string(*cycle + 1) +
                      " it grew no more than another pattern: growth that moves between patterns from cycle to "
                      "cycle (a GC heap growing in lumps) is judged as a whole";
    } else if (const std::optional<uint32_t> flush_cycle =
                   cycle_not_standing_out(share.pattern, shares, by_cycle.flush, limit)) {
      share.verdict = Verdict::inconclusive;
      share.reason += "; but in cycle " + std::to_string(*flush_cycle + 1) +
                      " its flush block grew no more than another pattern's: growth that moves between blocks (a GC "
                      "heap growing in lumps) is judged as a whole";
    }
  }
}

// Attributed runs: each pattern's share, from its measured blocks, in the order the patterns first ran. Held
// patterns are reported, not judged; when the rates do not account for the growth, none is judged.
std::vector<PatternShare> pattern_shares(const ResourceFacts& f, const std::vector<BlockGrowth>& growths,
                                         const LeakCheck& check, std::size_t warmup_cycles) {
  std::vector<LevelIncrement> increments;
  for (const BlockGrowth& g : growths) {
    const LoadBlock& block = f.blocks[g.block];
    // A flush block takes what the block before it left pending in a GC heap (LoadBlock::flush): not its own.
    if (!block.flush) increments.push_back({block.group, g.growth, block.connections_closed});
  }
  const RateFit fit = fit_per_connection_rates(increments, kTrendConfidence);
  const bool accounted = rates_account_for_growth(f, growths, fit, check.rss_per_connection_max);
  std::vector<PatternShare> shares;
  for (const LoadBlock& block : f.blocks) {
    const auto rate = std::find_if(fit.groups.begin(), fit.groups.end(),
                                   [&](const GroupRate& r) { return r.group == block.group; });
    const bool listed = std::any_of(shares.begin(), shares.end(),
                                    [&](const PatternShare& s) { return s.pattern == block.group; });
    if (rate == fit.groups.end() || listed) continue;
    PatternShare share = judge_rate(fit, *rate, check, warmup_cycles, true);
    if (block.held) {
      share.verdict = Verdict::inconclusive;
      share.judged = false;
      share.reason = "not judged: " + share.reason +
                     "; a held pattern runs once, with too few connections for a rate (its dead peers are what "
                     "checks.reap judges)";
    } else if (!accounted) {
      share.verdict = Verdict::inconclusive;
      share.reason = "not attributable: " + share.reason +
                     "; the patterns' own blocks do not account for the growth, which came in lumps in whichever "
                     "blocks ran then (a GC heap growing at its own cycles): judged as a whole only";
    }
    shares.push_back(std::move(share));
  }
  blame_only_what_stands_out(fit, rates_by_cycle(f, growths), check.rss_per_connection_max, shares);
  return shares;
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

// "by pattern: clean +45B/conn (-312B..+402B) PASS, rst ... against rss_per_connection_max 512B; every pattern
// together +3.22KiB/conn (+2.06KiB..+4.39KiB) LEAK"
std::string shares_text(const std::vector<PatternShare>& shares, const std::optional<PatternShare>& whole,
                        const LeakCheck& check) {
  std::string text;
  for (const PatternShare& s : shares) {
    if (!s.judged) continue;
    text += (text.empty() ? "by pattern: " : ", ") + s.pattern + " " + bytes_change(*s.per_connection) + "/conn";
    if (s.low) text += " (" + bytes_change(*s.low) + ".." + bytes_change(*s.high) + ")";
    text += std::string(" ") + to_string(s.verdict);
  }
  text += " against rss_per_connection_max " + bytes(check.rss_per_connection_max);
  if (whole)
    text += "; every pattern together " + bytes_change(*whole->per_connection) + "/conn" +
            (whole->low ? " (" + bytes_change(*whole->low) + ".." + bytes_change(*whole->high) + ")" : "") + " " +
            to_string(whole->verdict);
  return text;
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

  const std::vector<BlockGrowth> growths = block_growths(f, span);
  const std::optional<PatternShare> whole = judge_whole(f, growths, check, span.warmup_cycles);
  if (whole) {
    out.per_connection = whole->per_connection;
    out.per_connection_low = whole->low;
    out.per_connection_high = whole->high;
  }
  const bool attributed = std::any_of(f.blocks.begin() + std::ptrdiff_t(span.first), f.blocks.end(),
                                      [](const LoadBlock& b) { return b.group != "all"; });
  if (attributed) out.by_pattern = pattern_shares(f, growths, check, span.warmup_cycles);

  // The resource: the gross bound, every pattern together, each judged pattern (attributed runs; a leak that a GC
  // runtime spreads over several patterns' blocks is still caught as a whole), and the optional slope.
  Verdict verdict = exploded ? Verdict::leak : Verdict::pass;
  verdict = worse(verdict, whole ? whole->verdict : Verdict::inconclusive);
  for (const PatternShare& s : out.by_pattern)
    if (s.judged) verdict = worse(verdict, s.verdict);
  if (attributed && whole && whole->verdict == Verdict::inconclusive &&
      std::all_of(out.by_pattern.begin(), out.by_pattern.end(),
                  [](const PatternShare& s) { return s.verdict == Verdict::pass || !s.judged; }))
    verdict = exploded ? Verdict::leak : Verdict::pass;  // every pattern cleared on its own clears the whole
  const std::optional<std::string> slope = slope_leak(f, span, check);
  if (slope) verdict = Verdict::leak;
  out.verdict = verdict;

  std::string rate_text = !whole ? "no block after warm-up had a level to judge"
                          : attributed ? shares_text(out.by_pattern, whole, check)
                                       : whole->reason;
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
