// The per-kind leak rules (documented in leak_verdict.hpp), applied to values already reduced from the samples.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "profile/profile.hpp"
#include "verdict/leak_verdict.hpp"
#include "verdict/resource_kind.hpp"
#include "verdict/robust_stats.hpp"

namespace wsl {

// One resource's numbers, after medians and the trend have been computed and the samples found sufficient.
struct ResourceFacts {
  ResourceKind kind = ResourceKind::gauge;
  AmountUnit unit = AmountUnit::plain;
  double baseline = 0;
  double after = 0;
  double delta = 0;
  std::vector<std::optional<double>> levels;  // per block, its settled level; nullopt with too few samples
  std::span<const LoadBlock> blocks;          // as many as levels
  std::optional<SlopeEstimate> trend;         // of the block levels, with 2+ blocks that have one
};

// Sets verdict, limit, limit_name, reason and the kind's figures on `out` following the rule for facts.kind.
void apply_leak_rule(const ResourceFacts& facts, const LeakCheck& check, ResourceVerdict& out);

// The memory rule (memory_rule.cpp): warm-up, the gross bound, the rate per connection, per pattern.
void memory_rule(const ResourceFacts& facts, const LeakCheck& check, ResourceVerdict& out);

// Shared wording: "412 after settle vs 12 baseline: +400".
std::string comparison(const ResourceFacts& f);
// "+1.00MiB/block over 5 blocks (95% CI +512KiB..+1.50MiB)", or why there is no interval; "" with one block.
std::string trend_text(const ResourceFacts& f);

}  // namespace wsl
