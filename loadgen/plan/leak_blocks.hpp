// The blocks of load a run is made of, for the leak verdict: one per cycle, or with checks.leak.attribute:
// patterns one per close pattern per cycle, that pattern alone (docs/verdict.md). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "profile/profile.hpp"

namespace wsl {

struct BlockPlan {
  uint32_t cycle = 0;                     // 0-based
  std::optional<ClosePattern> pattern{};  // attributed: the one pattern this block runs
  bool warmup = false;                    // in the first checks.leak.warmup_cycles cycles
  bool flush = false;                     // attributed: the first of a pattern's two blocks (LoadBlock::flush)
  bool last_of_cycle = false;
};

// Attributed: every pattern with a positive weight in close.mix or a phase's mix gets two blocks in a row in every
// cycle, a flush and a measured one (in order of first appearance, rotated by one more each cycle and reversed in
// odd cycles), except the patterns that hold their connections for `hold` (the close-pattern table's `held`:
// close_timeout, stall, ignore_server_close, server_close): they run one block, once, at the end of the last
// cycle, because the hold dominates its length and the reap check needs each held connection only once. Not
// attributed: one block per cycle running the profile as it is.
std::vector<BlockPlan> plan_blocks(const Profile& profile);

// The profile one block runs: a single cycle; attributed, every mix narrowed to the block's pattern (its own
// entries of that mix, or of close.mix, or of the first mix that has it), and each phase's connections and rates
// scaled by the pattern's weight against the heaviest pattern's, so each pattern gets its share of the run.
Profile block_profile(const Profile& profile, const BlockPlan& block);

// The distinct patterns with a positive weight in close.mix and the phases' mixes, in order of first appearance
// (a clean close when no mix has any).
std::vector<ClosePattern> mix_patterns(const Profile& profile);

}  // namespace wsl
