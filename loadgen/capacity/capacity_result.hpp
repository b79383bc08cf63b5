// The answer of a capacity run: the highest sustained level, the first failed one and why, and how it was found.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capacity/step_result.hpp"
#include "verdict/threshold_checks.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

enum class CapacityMethod {
  steps,   // the profile's phases, each a step
  search,  // capacity: levels chosen one after another by the search controller
  last = search,
};
inline constexpr EnumNames<CapacityMethod> kCapacityMethodNames = {"steps", "search"};
static_assert(names_complete<CapacityMethod>(kCapacityMethodNames));
constexpr const char* to_string(CapacityMethod m) { return name_in(kCapacityMethodNames, m); }

// Why a search ended.
enum class SearchStop {
  bracketed,    // a level failed and the interval was refined as far as asked (or could be)
  max_reached,  // capacity.max held
  host_limit,   // the highest level this host can run held, or a step ran out of local ports or fds
  interrupted,  // a signal ended the run first
  last = interrupted,
};
inline constexpr EnumNames<SearchStop> kSearchStopNames = {"bracketed", "max_reached", "host_limit", "interrupted"};
static_assert(names_complete<SearchStop>(kSearchStopNames));
constexpr const char* to_string(SearchStop stop) { return name_in(kSearchStopNames, stop); }

struct CapacityResult {
  CapacityMethod method = CapacityMethod::steps;
  CapacityQuantity of = CapacityQuantity::connections;
  std::optional<double> sustained;       // the highest sustained level; absent: no step was sustained
  std::optional<size_t> sustained_step;  // its index in the run's steps
  std::optional<double> failed;          // steps: the first failed step's level; search: the lowest failed level
  std::optional<size_t> failed_step;
  std::string failed_because;            // that step's first failure, e.g. "handshake_p99 312ms > max 250ms"
  std::optional<double> resolution;      // failed - sustained: the limit lies in [sustained, failed)
  std::optional<SearchStop> stop;        // search only
  std::string how;                       // one line: how the level was found
  std::string further;                   // when max or this host ended the search: how to go further

  double sustained_or_zero() const { return sustained.value_or(0); }
};

// Steps in the order they ran: the sustained level is the highest one that held before the first step failed.
CapacityResult stepped_capacity(const std::vector<StepResult>& steps);

// checks.capacity_min: passes when the sustained level is at least `min`.
CheckResult capacity_min_check(double min, const CapacityResult& result);

}  // namespace wsl
