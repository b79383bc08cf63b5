// The per-kind leak rules (documented in leak_verdict.hpp), applied to values already reduced from the samples.
#pragma once

#include <cstddef>
#include <optional>

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
  std::size_t cycles = 0;              // cycles that had post-settle samples
  std::optional<SlopeEstimate> trend;  // with 2+ such cycles
};

// Sets verdict, limit, limit_name and reason on `out` following the rule for facts.kind.
void apply_leak_rule(const ResourceFacts& facts, const LeakCheck& check, ResourceVerdict& out);

}  // namespace wsl
