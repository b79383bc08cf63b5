// The capacity search: raise until a step fails, then bisect; each decision from the outcomes so far.
#include "capacity/search_controller.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "profile/capacity_level.hpp"
#include "vocabulary/units.hpp"

namespace wsl {
namespace {

std::string times(double factor) {
  char text[32];
  std::snprintf(text, sizeof text, "×%g", factor);
  return text;
}

// The last completed step run at `level`, if any.
std::optional<size_t> step_at(const std::vector<StepResult>& steps, std::optional<double> level) {
  if (!level) return std::nullopt;
  for (size_t i = steps.size(); i-- > 0;)
    if (steps[i].completed && steps[i].level == *level) return i;
  return std::nullopt;
}

}  // namespace

CapacitySearchController::CapacitySearchController(const CapacitySearch& search) : search_(search) {}

double CapacitySearchController::raised(double from) const {
  return std::max(std::round(from * search_.factor), from + quantum());
}

std::optional<double> CapacitySearchController::next_level() const {
  if (interrupted_) return std::nullopt;
  if (!started_) {
    if (host_cap_ && search_.start > *host_cap_) return std::nullopt;
    return search_.start;
  }
  if (!failed_) {
    if (!sustained_) return std::nullopt;  // the start ran into this host's limit
    double next = raised(*sustained_);
    if (search_.max) next = std::min(next, *search_.max);
    if (host_cap_) next = std::min(next, *host_cap_);
    if (next <= *sustained_) return std::nullopt;
    return next;
  }
  if (bisections_ >= search_.refine) return std::nullopt;
  const double low = sustained_.value_or(0), high = *failed_;
  const double middle = std::floor((low + high) / 2 / quantum()) * quantum();
  if (middle <= low || middle >= high) return std::nullopt;  // one unit apart: as fine as levels go
  if (host_cap_ && middle > *host_cap_) return std::nullopt;
  return middle;
}

void CapacitySearchController::record(double level, bool sustained, bool host_limited, const std::string& why) {
  started_ = true;
  if (host_limited) {
    // Ports or fds of this host ran out at this level: nothing above the last sustained level can be measured here.
    host_cap_ = sustained_.value_or(0);
    host_why_ = "at " + level_label(search_.of, level) + " this host ran out (" + why +
                "); the server was not what failed";
    return;
  }
  const bool refining = failed_.has_value();
  if (sustained) {
    sustained_ = std::max(sustained_.value_or(level), level);
  } else if (!failed_ || level < *failed_) {
    failed_ = level;
    failed_why_ = why;
  }
  if (refining) ++bisections_;
  else ++raises_;
}

void CapacitySearchController::limit_by_host(double fits, const std::string& why) {
  host_cap_ = std::floor(fits / quantum()) * quantum();
  host_why_ = why;
}

CapacityResult CapacitySearchController::result(const std::vector<StepResult>& steps) const {
  CapacityResult r;
  r.method = CapacityMethod::search;
  r.of = search_.of;
  r.sustained = sustained_;
  r.failed = failed_;
  r.sustained_step = step_at(steps, sustained_);
  r.failed_step = step_at(steps, failed_);
  r.failed_because = failed_why_;
  if (r.failed_step && !steps[*r.failed_step].failures.empty()) r.failed_because = steps[*r.failed_step].failures[0];
  if (failed_) r.resolution = *failed_ - sustained_.value_or(0);

  size_t completed = 0;
  for (const StepResult& s : steps) completed += s.completed ? 1 : 0;
  const std::string ran = "search: " + std::to_string(completed) + " steps of " +
                          format_duration(search_.step_duration);
  const std::string raise = "raised " + times(search_.factor) + " from " + level_label(r.of, search_.start);
  auto label = [&](double level) { return level_label(r.of, level); };

  if (interrupted_) {
    r.stop = SearchStop::interrupted;
    r.how = ran + ", interrupted; " + (sustained_ ? label(*sustained_) + " held so far" : "nothing held so far");
  } else if (failed_) {
    r.stop = SearchStop::bracketed;
    if (sustained_) {
      r.how = ran + ": " + raise + " until a step failed, then bisected " + std::to_string(bisections_) +
              " times: " + label(*sustained_) + " held and " + label(*failed_) + " failed, so the limit lies in [" +
              label(*sustained_) + ", " + label(*failed_) + "), resolution " + label(*r.resolution);
    } else {
      r.how = ran + ": the first level, " + label(search_.start) + ", failed; bisected down " +
              std::to_string(bisections_) + " times and nothing held (the lowest that failed: " + label(*failed_) + ")";
    }
  } else if (host_cap_ && sustained_.value_or(0) >= *host_cap_) {
    r.stop = SearchStop::host_limit;
    r.how = ran + ": " + raise + " to " + label(sustained_.value_or(0)) +
            ", the most this host can run, which held: the server's limit is above it";
    r.further = host_why_ +
                ". To go further: more local ports with target.source_addresses, a higher open-file limit "
                "(ulimit -n), or a stepped profile (phases at rising connections) split over machines with "
                "--shard I/N";
  } else if (search_.max && sustained_.value_or(0) >= *search_.max) {
    r.stop = SearchStop::max_reached;
    r.how = ran + ": " + raise + " to capacity.max " + label(*search_.max) +
            ", which held: the server's limit is above it";
    r.further = "raise capacity.max to go further";
  } else if (!sustained_ && host_cap_) {
    r.stop = SearchStop::host_limit;
    r.how = ran + ": this host cannot run the first level, " + label(search_.start);
    r.further = host_why_;
  } else {
    r.how = ran + ": not finished";
  }
  return r;
}

}  // namespace wsl
