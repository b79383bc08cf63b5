// The block one level of a capacity search runs, and which of its phases the step is judged on (pure).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "profile/profile.hpp"

namespace wsl {

struct CapacityStepPlan {
  std::string name;            // "step-4000", or "step-350/s" for connect_rate
  Profile profile;             // one cycle: the step's phase(s), then a drain (close: all)
  size_t judged_phases = 1;    // the first phases of `profile` make the step; the rest is the drain
};

// of: connections: {step-L: connections L, connect_rate ramp_rate, duration L/ramp_rate + step_duration}, drain.
// of: connect_rate R: {ramp-R: connections `capacity.connections` at R}, {step-R: churn_rate R for step_duration},
// drain: every open of the step happens at R per second. Everything else (session, close mix, checks) is the
// profile's own. `profile.capacity` must be set.
CapacityStepPlan capacity_step(const Profile& profile, double level);

// The open connections each phase of one cycle (starting from none) is planned to hold at its end, the level of a
// stepped run's steps: a phase's `connections` as far as its pace reaches within its duration, 0 after
// `close: all`, the level before for a phase that only holds or churns.
std::vector<double> planned_levels(const std::vector<Phase>& phases);

}  // namespace wsl
