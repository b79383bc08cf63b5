// Reduces each resource's samples to baseline, after-settle value and trend, then applies its kind's leak rule.
#include "verdict/leak_verdict.hpp"

#include <cmath>
#include <algorithm>
#include <limits>

#include "verdict/leak_rules.hpp"
#include "verdict/robust_stats.hpp"

namespace wsl {

namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// Negative fds, socket counts or bytes are the monitor's "could not read"; a scraped gauge may be negative.
bool never_negative(ResourceKind kind) { return kind != ResourceKind::gauge && kind != ResourceKind::counter; }

std::vector<double> usable(const std::vector<double>& samples, ResourceKind kind) {
  std::vector<double> kept;
  kept.reserve(samples.size());
  for (double v : samples) {
    if (std::isfinite(v) && !(never_negative(kind) && v < 0)) kept.push_back(v);
  }
  return kept;
}

std::size_t min_samples(ResourceKind kind) {
  return kind == ResourceKind::memory_bytes || kind == ResourceKind::gauge ? kMinNoisySamples : kMinCountSamples;
}

double median_or_unknown(const std::vector<double>& v) { return median(v).value_or(kUnknown); }

// Block levels against the block number (1-based, gaps kept), for the Theil–Sen trend.
struct BlockSeries {
  std::vector<double> index;
  std::vector<double> value;
};

BlockSeries block_series(const std::vector<std::optional<double>>& levels) {
  BlockSeries series;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (!levels[i]) continue;
    series.index.push_back(double(i + 1));
    series.value.push_back(*levels[i]);
  }
  return series;
}

// Blocks described by the caller, padded to one per settled entry with blocks of unknown size.
std::vector<LoadBlock> blocks_for(const ResourceSamples& samples, std::span<const LoadBlock> blocks) {
  std::vector<LoadBlock> out(blocks.begin(), blocks.begin() + std::min(blocks.size(), samples.settled.size()));
  while (out.size() < samples.settled.size()) out.push_back({.cycle = uint32_t(out.size())});
  return out;
}

std::string too_few_samples_reason(std::size_t baseline, std::size_t after, std::size_t cycles, std::size_t needed) {
  if (cycles == 0) return "no samples after settle (no block of load finished its settle window)";
  return "too few samples: " + std::to_string(baseline) + " baseline, " + std::to_string(after) +
         " after the last settle (need " + std::to_string(needed) + " each)";
}

}  // namespace

Verdict worse(Verdict a, Verdict b) {
  auto rank = [](Verdict v) {
    switch (v) {
      case Verdict::leak:
        return 2;
      case Verdict::inconclusive:
        return 1;
      case Verdict::pass:
        return 0;
    }
    return 1;
  };
  return rank(a) >= rank(b) ? a : b;
}

ResourceVerdict judge_resource(const ResourceSamples& samples, std::span<const LoadBlock> blocks,
                               const LeakCheck& check, const std::optional<std::string>& target_lost) {
  const ResourceKind kind = classify_resource(samples.resource);
  ResourceVerdict out;
  out.resource = samples.resource;
  out.unit = unit_of(samples.resource, kind);
  out.limit = kUnknown;

  const std::size_t needed = min_samples(kind);
  const std::vector<double> baseline = usable(samples.baseline, kind);
  std::vector<std::optional<double>> levels;
  for (const auto& window : samples.settled) {
    const std::vector<double> kept = usable(window, kind);
    levels.push_back(kept.size() >= needed ? median(kept) : std::nullopt);
  }
  const std::vector<double> after =
      samples.settled.empty() ? std::vector<double>{} : usable(samples.settled.back(), kind);
  out.baseline = median_or_unknown(baseline);
  out.after = median_or_unknown(after);
  out.delta = out.after - out.baseline;  // NaN when either is unknown

  const BlockSeries series = block_series(levels);
  std::optional<SlopeEstimate> trend = theil_sen(series.index, series.value, kTrendConfidence);
  if (trend) {
    out.slope_per_cycle = trend->slope;
    if (trend->bounded()) {
      out.slope_low = trend->low;
      out.slope_high = trend->high;
    }
  }

  if (target_lost) {
    out.verdict = Verdict::inconclusive;
    out.reason = *target_lost + ": nothing to compare after settle";
    return out;
  }
  if (baseline.size() < needed || after.size() < needed) {
    out.verdict = Verdict::inconclusive;
    out.reason = too_few_samples_reason(baseline.size(), after.size(), samples.settled.size(), needed);
    return out;
  }

  const std::vector<LoadBlock> described = blocks_for(samples, blocks);
  ResourceFacts facts;
  facts.kind = kind;
  facts.unit = out.unit;
  facts.baseline = out.baseline;
  facts.after = out.after;
  facts.delta = out.delta;
  facts.levels = levels;
  facts.blocks = described;
  facts.trend = trend;
  apply_leak_rule(facts, check, out);
  return out;
}

std::vector<ResourceVerdict> judge_resources(std::span<const ResourceSamples> resources,
                                             std::span<const LoadBlock> blocks, const LeakCheck& check,
                                             const std::optional<std::string>& target_lost) {
  std::vector<ResourceVerdict> verdicts;
  verdicts.reserve(resources.size());
  for (const ResourceSamples& r : resources) verdicts.push_back(judge_resource(r, blocks, check, target_lost));
  return verdicts;
}

Verdict overall_verdict(std::span<const ResourceVerdict> verdicts) {
  if (verdicts.empty()) return Verdict::inconclusive;
  bool all_pass = true;
  for (const ResourceVerdict& v : verdicts) {
    if (v.verdict == Verdict::leak) return Verdict::leak;
    all_pass = all_pass && v.verdict == Verdict::pass;
  }
  return all_pass ? Verdict::pass : Verdict::inconclusive;
}

}  // namespace wsl
