// The summary's per-step table and capacity lines: one line per step, then the sustained level and how it was found.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity_result.hpp"

namespace wsl {

// The steps table (at most kMaxStepLines steps: with more, the last cycle's, and a line saying where the rest are),
// then "capacity ..." lines; "" without steps. Every line ends with '\n'.
std::string steps_summary(const std::vector<StepResult>& steps, const std::optional<CapacityResult>& capacity);

inline constexpr size_t kMaxStepLines = 16;

}  // namespace wsl
