// The block one level of a capacity search runs.
#include "plan/capacity_steps.hpp"

#include <algorithm>
#include <cmath>

#include "profile/capacity_level.hpp"

namespace wsl {

CapacityStepPlan capacity_step(const Profile& profile, double level) {
  const CapacitySearch& search = *profile.capacity;
  CapacityStepPlan plan;
  plan.name = "step-" + level_label(search.of, level);
  plan.profile = profile;
  plan.profile.cycles = 1;
  plan.profile.phases.clear();
  switch (search.of) {
    case CapacityQuantity::connections: {
      Phase step;
      step.name = plan.name;
      step.connections = uint32_t(level);
      step.connect_rate = search.ramp_rate;
      const auto ramp = Duration(int64_t(std::ceil(level / search.ramp_rate * 1e9)));
      step.duration = ramp + search.step_duration;
      plan.profile.phases.push_back(step);
      plan.judged_phases = 1;
      break;
    }
    case CapacityQuantity::connect_rate: {
      Phase ramp;
      ramp.name = "ramp-" + level_label(search.of, level);
      ramp.connections = search.connections;
      ramp.connect_rate = level;
      Phase churn;
      churn.name = plan.name;
      churn.duration = search.step_duration;
      churn.churn_rate = level;
      plan.profile.phases.push_back(ramp);
      plan.profile.phases.push_back(churn);
      plan.judged_phases = 2;
      break;
    }
  }
  Phase drain;
  drain.name = "drain";
  drain.close_all = true;
  plan.profile.phases.push_back(drain);
  return plan;
}

std::vector<double> planned_levels(const std::vector<Phase>& phases) {
  std::vector<double> levels;
  double level = 0;
  for (const Phase& phase : phases) {
    if (phase.close_all) {
      level = 0;
    } else if (phase.connections) {
      const double target = *phase.connections;
      // Paced actions that fall at or after a duration's end are not done: the level may stop short.
      auto reach = [&](std::optional<double> rate) {
        if (!rate || !phase.duration) return std::abs(target - level);
        return std::min(std::abs(target - level), std::ceil(*rate * double(phase.duration->count()) / 1e9));
      };
      if (target > level) level += reach(phase.connect_rate);
      else if (target < level) level -= reach(phase.close_rate);
    }
    levels.push_back(level);
  }
  return levels;
}

}  // namespace wsl
