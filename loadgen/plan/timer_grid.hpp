// `timer_slack`: the generator's timers planned on a grid, so one wake-up serves every timer due within a step.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace wsl {

// A worker sleeps until the next grid point (origin + k * step) after its earliest timer, so one wake-up serves
// every timer due within a step; a timer whose exact instant has come is also served by any earlier wake-up
// (a socket event). An action is never taken before its exact instant, nor (unless the worker is busy) a step or
// more after it. Latencies are measured from `latency_origin`: the plan (the grid point), or when the action was
// taken if that came sooner. So the slack is never counted as the server's latency, while a worker that acts
// later than its plan still counts its lateness (coordinated omission stays corrected); that lateness is
// measured apart. Step 0 is exact timing.
class TimerGrid {
 public:
  TimerGrid(int64_t origin_ns, int64_t step_ns) : origin_ns_(origin_ns), step_ns_(step_ns > 0 ? step_ns : 0) {}

  int64_t plan(int64_t exact_ns) const {
    if (step_ns_ == 0 || exact_ns <= origin_ns_) return exact_ns;
    if (exact_ns > std::numeric_limits<int64_t>::max() - step_ns_) return exact_ns;  // "never" stays never
    const int64_t since = exact_ns - origin_ns_;
    return origin_ns_ + (since + step_ns_ - 1) / step_ns_ * step_ns_;
  }

  // Where the latency of an action due at `exact_ns` and taken at `taken_ns` (>= exact_ns) starts.
  int64_t latency_origin(int64_t exact_ns, int64_t taken_ns) const { return std::min(taken_ns, plan(exact_ns)); }
  // How late after its plan the action was taken: the generator's own delay, 0 when on time or sooner.
  int64_t lateness(int64_t exact_ns, int64_t taken_ns) const { return std::max<int64_t>(0, taken_ns - plan(exact_ns)); }

 private:
  int64_t origin_ns_;
  int64_t step_ns_;
};

}  // namespace wsl
