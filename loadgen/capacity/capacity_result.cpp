// The sustained level of a run whose phases are its steps.
#include "capacity/capacity_result.hpp"

#include "profile/capacity_level.hpp"

namespace wsl {

CapacityResult stepped_capacity(const std::vector<StepResult>& steps) {
  CapacityResult result;
  if (!steps.empty()) result.of = steps.front().of;
  // A later, higher step that held does not count once a lower one failed: the server already gave way.
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepResult& step = steps[i];
    if (!step.completed) continue;
    if (!step.sustained) {
      result.failed = step.level;
      result.failed_step = i;
      result.failed_because = step.failures.empty() ? "" : step.failures.front();
      break;
    }
    if (!result.sustained || step.level > *result.sustained) {
      result.sustained = step.level;
      result.sustained_step = i;
    }
  }
  const std::string unit = result.of == CapacityQuantity::connections ? " connections" : " opens per second";
  if (result.failed_step) {
    result.how = "steps: the highest level that held, in the order the steps ran, before " +
                 steps[*result.failed_step].name + " (" + level_label(result.of, *result.failed) + ") failed";
    if (result.sustained && *result.failed > *result.sustained) result.resolution = *result.failed - *result.sustained;
  } else if (result.sustained) {
    result.how = "steps: no step failed; the highest, " + level_label(result.of, *result.sustained) + unit +
                 ", held, so the server's limit is above it (add a higher step, or use capacity: to search)";
  } else {
    result.how = "steps: no step completed";
  }
  return result;
}

CheckResult capacity_min_check(double min, const CapacityResult& result) {
  const std::string unit = result.of == CapacityQuantity::connections ? " connections" : " opens per second";
  const std::string wanted = "min " + level_label(result.of, min) + unit;
  if (!result.sustained) return {"capacity_min", false, "no step was sustained < " + wanted};
  const bool ok = *result.sustained >= min;
  return {"capacity_min", ok,
          "sustained " + level_label(result.of, *result.sustained) + (ok ? " >= " : " < ") + wanted};
}

}  // namespace wsl
