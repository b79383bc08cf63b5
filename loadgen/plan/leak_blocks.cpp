// The blocks of load a run is made of, for the leak verdict, and the profile each block runs.
#include "plan/leak_blocks.hpp"

#include <algorithm>
#include <cmath>

#include "vocabulary/close_pattern.hpp"

namespace wsl {

namespace {

template <typename F>
void for_each_mix(const Profile& profile, F f) {
  f(profile.close.mix);
  for (const Phase& phase : profile.phases) f(phase.mix);
}

std::vector<CloseChoice> entries_of(const std::vector<CloseChoice>& mix, ClosePattern pattern) {
  std::vector<CloseChoice> out;
  for (const CloseChoice& c : mix)
    if (c.pattern == pattern && c.weight > 0) out.push_back(c);
  return out;
}

// The pattern's own entries: close.mix's, else those of the first mix that has it, else a default entry.
std::vector<CloseChoice> defining_entries(const Profile& profile, ClosePattern pattern) {
  std::vector<CloseChoice> found;
  for_each_mix(profile, [&](const std::vector<CloseChoice>& mix) {
    if (found.empty()) found = entries_of(mix, pattern);
  });
  if (found.empty()) found.push_back(CloseChoice{.pattern = pattern});
  return found;
}

double total_weight(const std::vector<CloseChoice>& mix, std::optional<ClosePattern> only = std::nullopt) {
  double sum = 0;
  for (const CloseChoice& c : mix)
    if (c.weight > 0 && (!only || c.pattern == *only)) sum += c.weight;
  return sum;
}

// The pattern's weight against the heaviest pattern's, in the mix that defines it (close.mix when it has it).
double share_of(const Profile& profile, ClosePattern pattern) {
  const std::vector<CloseChoice>* defining = nullptr;
  for_each_mix(profile, [&](const std::vector<CloseChoice>& mix) {
    if (!defining && total_weight(mix, pattern) > 0) defining = &mix;
  });
  if (!defining) return 1;
  double heaviest = 0;
  for (const CloseChoice& c : *defining) heaviest = std::max(heaviest, total_weight(*defining, c.pattern));
  return heaviest > 0 ? total_weight(*defining, pattern) / heaviest : 1;
}

// The order of a cycle's blocks: the mix's order rotated by the cycle number, and reversed in odd cycles, so each
// pattern follows different ones from cycle to cycle (with three patterns, each follows both others within six
// cycles), so nothing about a pattern's blocks is tied to which one runs before them.
std::vector<ClosePattern> cycle_order(std::vector<ClosePattern> patterns, uint32_t cycle) {
  if (patterns.empty()) return patterns;
  std::rotate(patterns.begin(), patterns.begin() + cycle % patterns.size(), patterns.end());
  if (cycle % 2 == 1) std::reverse(patterns.begin(), patterns.end());
  return patterns;
}

void scale_phase(Phase& phase, double share) {
  if (share >= 1) return;
  if (phase.connections && *phase.connections > 0)
    phase.connections = std::max<uint32_t>(1, uint32_t(std::lround(*phase.connections * share)));
  for (std::optional<double>* rate : {&phase.connect_rate, &phase.churn_rate, &phase.close_rate})
    if (*rate) **rate *= share;
}

}  // namespace

std::vector<ClosePattern> mix_patterns(const Profile& profile) {
  std::vector<ClosePattern> patterns;
  for_each_mix(profile, [&](const std::vector<CloseChoice>& mix) {
    for (const CloseChoice& c : mix)
      if (c.weight > 0 && std::find(patterns.begin(), patterns.end(), c.pattern) == patterns.end())
        patterns.push_back(c.pattern);
  });
  if (patterns.empty()) patterns.push_back(ClosePattern::clean);
  return patterns;
}

std::vector<BlockPlan> plan_blocks(const Profile& profile) {
  std::vector<BlockPlan> blocks;
  const bool attributed = profile.checks.leak.attribute == LeakAttribution::patterns;
  const std::vector<ClosePattern> patterns = mix_patterns(profile);
  for (uint32_t cycle = 0; cycle < profile.cycles; ++cycle) {
    const bool warmup = cycle < profile.checks.leak.warmup_cycles;
    if (!attributed) {
      blocks.push_back({.cycle = cycle, .warmup = warmup});
    } else {
      const bool last_cycle = cycle + 1 == profile.cycles;
      for (ClosePattern p : cycle_order(patterns, cycle)) {
        if (describe(p).held) continue;
        blocks.push_back({.cycle = cycle, .pattern = p, .warmup = warmup, .flush = true});
        blocks.push_back({.cycle = cycle, .pattern = p, .warmup = warmup});
      }
      for (ClosePattern p : patterns)
        if (describe(p).held && last_cycle) blocks.push_back({.cycle = cycle, .pattern = p, .warmup = warmup});
    }
    if (!blocks.empty() && blocks.back().cycle == cycle) blocks.back().last_of_cycle = true;
  }
  return blocks;
}

Profile block_profile(const Profile& profile, const BlockPlan& block) {
  Profile out = profile;
  out.cycles = 1;
  if (!block.pattern) return out;
  const ClosePattern pattern = *block.pattern;
  const std::vector<CloseChoice> defining = defining_entries(profile, pattern);
  std::vector<CloseChoice> own = entries_of(profile.close.mix, pattern);
  out.close.mix = own.empty() ? defining : own;
  const double share = share_of(profile, pattern);
  for (Phase& phase : out.phases) {
    if (!phase.mix.empty()) {
      std::vector<CloseChoice> narrowed = entries_of(phase.mix, pattern);
      phase.mix = narrowed.empty() ? out.close.mix : narrowed;
    }
    scale_phase(phase, share);
  }
  return out;
}

}  // namespace wsl
