// `wsloadgen run` with capacity: the loop around the pure search controller — fit each level to this host, run it
// as a block of its own, judge it, settle, and ask the controller for the next level.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>

#include "capacity/search_controller.hpp"
#include "cli/exit_codes.hpp"
#include "cli/host_limits.hpp"
#include "cli/interruptible_wait.hpp"
#include "cli/run_session.hpp"
#include "plan/capacity_steps.hpp"
#include "profile/capacity_level.hpp"

namespace wsl {
namespace {

// The highest whole level in [low, high) for which `fits` holds, given that it holds at `low` (0 always does).
double highest_fitting(double low, double high, const std::function<bool(double)>& fits) {
  while (high - low > 1) {
    const double middle = std::floor((low + high) / 2);
    (fits(middle) ? low : high) = middle;
  }
  return low;
}

// The step is its first phases; the drain after them is not, except that a handshake of the step's that fails
// only then (a timeout) is still the step's failure.
PhaseStats step_phases(const std::vector<PhaseStats>& phases, size_t judged) {
  PhaseStats step;
  bool first = true;
  for (const PhaseStats& phase : phases) {
    if (phase.phase_index >= judged) {
      for (const auto& [reason, n] : phase.connect_errors) step.connect_errors[reason] += n;
      continue;
    }
    if (first) {
      step = phase;
      first = false;
      continue;
    }
    const uint64_t open_at_start = step.open_at_start;
    step.merge(phase);  // sums the workers' counts; consecutive phases keep the first start and the last end
    step.open_at_start = open_at_start;
    step.open_at_end = phase.open_at_end;
  }
  return step;
}

std::string error_reasons(const StepResult& step) {
  std::string out;
  for (const auto& [reason, n] : step.errors) out += (out.empty() ? "" : ", ") + reason + "×" + std::to_string(n);
  return out;
}

}  // namespace

int RunSession::run_search() {
  const CapacitySearch& search = *profile_.capacity;
  CapacitySearchController controller(search);
  auto publish = [&] {
    std::lock_guard<std::mutex> lock(view_mutex_);
    capacity_ = controller.result(steps_);
  };
  double highest = 0;  // the highest level run so far
  for (uint32_t index = 0; !interrupted_;) {
    const std::optional<double> level = controller.next_level();
    if (!level) break;
    const CapacityStepPlan step = capacity_step(profile_, *level);
    // Ports taken by earlier steps (TIME_WAIT) count, so the host is read again for every level.
    std::string problem;
    const std::optional<HostFacts> host = read_host_facts(step.profile, command_, prepared_.target, &problem);
    if (!host) {
      std::cerr << "wsloadgen: cannot run: " << problem << "\n";
      return kExitCannotProceed;
    }
    if (const std::vector<std::string> problems = fit_to_host(step.profile, *host); !problems.empty()) {
      const double fits = highest_fitting(0, *level, [&](double l) {
        return fit_to_host(capacity_step(profile_, l).profile, *host).empty();
      });
      if (index == 0 && fits < search.start) {
        for (const std::string& p : problems)
          std::cerr << "wsloadgen: cannot run: capacity.start " << level_label(search.of, *level) << ": " << p << "\n";
        return kExitCannotProceed;
      }
      controller.limit_by_host(fits, "this host can run " + level_label(search.of, fits) + " but not " +
                                         level_label(search.of, *level) + ": " + problems.front());
      continue;
    }

    // A runtime's heap grows to the most connections it has seen and keeps that: a step that reaches a new
    // highest level is warm-up for the memory verdict; a step below an earlier one must not grow memory.
    const BlockPlan block{.cycle = index,
                          .pattern = std::nullopt,
                          .warmup = index < profile_.checks.leak.warmup_cycles || *level > highest,
                          .last_of_cycle = true};
    highest = std::max(highest, *level);
    const std::optional<BlockRun> ran = run_block(step.profile);
    if (!ran) return kExitCannotProceed;
    const PhaseStats phases = step_phases(ran->phases, step.judged_phases);
    StepFrame frame{.name = step.name, .cycle = index + 1, .of = search.of, .level = *level,
                    .start_ns = ran->start_ns + phases.start.count(), .end_ns = ran->start_ns + phases.end.count()};
    StepResult result = measure_step(frame, phases, monitor_ ? monitor_->series() : std::vector<ResourceSample>{});
    judge_step(result, profile_.checks);
    result.completed = !interrupted_;
    const bool sustained = result.sustained, host_limited = result.host_limited;
    const std::string why = host_limited ? error_reasons(result) : result.failures.empty() ? "" : result.failures[0];
    add_step(std::move(result));
    if (interrupted_) break;
    controller.record(*level, sustained, host_limited, why);
    publish();
    if (command_.progress != Command::Progress::off)
      std::cerr << "wsloadgen: capacity " << step.name << ": "
                << (host_limited ? "this host ran out (" + why + ")" : sustained ? "held" : "FAILED " + why) << "\n";
    current_cycle_ = ++summary_.cycles_completed;
    // The server gives back the step's connections before the next one; the monitor samples the settle.
    if (monitor_) settle_after(block, ran->stats);
    else wait_unless(profile_.checks.leak.settle, [this] { return interrupted_.load(); });
    ++index;
  }
  if (interrupted_) controller.interrupt();
  publish();
  return kExitPassed;
}

}  // namespace wsl
