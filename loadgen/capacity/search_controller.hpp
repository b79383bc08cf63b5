// The capacity search (docs/capacity-and-compare.md): a pure controller that turns each step's outcome into the next
// level to try.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity_result.hpp"
#include "profile/profile.hpp"

namespace wsl {

// Raises the level (start, then the last sustained level times `factor`, never above `max` or what this host can
// run) until a step fails; then bisects between the highest sustained and the lowest failed level `refine` times,
// or until they are one unit apart (a connection, or one open per second). A start that fails is bisected down
// from 0. It always ends: at most log_factor(max/start) + 1 raises and `refine` bisections.
class CapacitySearchController {
 public:
  explicit CapacitySearchController(const CapacitySearch& search);

  // The next level to run, or nullopt once the search is over.
  std::optional<double> next_level() const;
  // A step at `level` ended. host_limited: it failed because this host ran out (local ports, fds), which says
  // nothing about the server, so the search ends there.
  void record(double level, bool sustained, bool host_limited, const std::string& why = "");
  // This host cannot run next_level(): `fits` is the highest level it can (found by the caller); `why` says which
  // limit and how to lift it.
  void limit_by_host(double fits, const std::string& why);
  void interrupt() { interrupted_ = true; }

  // The answer so far; `steps` are the run's steps, to point at the sustained and failed ones.
  CapacityResult result(const std::vector<StepResult>& steps) const;

 private:
  double raised(double from) const;
  double quantum() const { return 1; }  // one connection, or one open per second

  const CapacitySearch search_;
  std::optional<double> sustained_;  // the highest level that held
  std::optional<double> failed_;     // the lowest level that failed
  std::string failed_why_;
  std::optional<double> host_cap_;   // the highest level this host can run
  std::string host_why_;
  uint32_t raises_ = 0;      // steps before the first failure
  uint32_t bisections_ = 0;  // steps after it
  bool started_ = false;
  bool interrupted_ = false;
};

}  // namespace wsl
