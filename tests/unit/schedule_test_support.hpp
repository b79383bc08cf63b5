// Builders for profiles and phases, and a walker that collects a whole schedule, for the plan/ tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "plan/schedule.hpp"
#include "profile/profile.hpp"

namespace wsl::test {

inline Phase phase(std::string name) {
  Phase p;
  p.name = std::move(name);
  return p;
}

inline CloseChoice choice(ClosePattern pattern, double weight, int code = 1000) {
  CloseChoice c;
  c.pattern = pattern;
  c.weight = weight;
  c.code = code;
  return c;
}

inline Profile profile_with(std::vector<Phase> phases, uint64_t seed = 42) {
  Profile p;
  p.seed = seed;
  p.phases = std::move(phases);
  return p;
}

// Walks a schedule to its `end` (inclusive); the limit stops a runaway schedule from hanging the test.
inline std::vector<ScheduledEvent> walk(const Profile& profile, std::size_t limit = 2'000'000) {
  Schedule schedule(profile);
  std::vector<ScheduledEvent> events;
  for (;;) {
    events.push_back(schedule.next());
    if (events.back().kind == ScheduledEvent::Kind::end || events.size() >= limit) break;
  }
  return events;
}

inline std::vector<ScheduledEvent> of_kind(const std::vector<ScheduledEvent>& events, ScheduledEvent::Kind kind) {
  std::vector<ScheduledEvent> out;
  for (const auto& e : events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

// The largest number of connections open at once over a walk.
inline int64_t peak_open(const std::vector<ScheduledEvent>& events) {
  int64_t open = 0, peak = 0;
  for (const auto& e : events) {
    if (e.kind == ScheduledEvent::Kind::open) peak = std::max(peak, ++open);
    if (e.kind == ScheduledEvent::Kind::close) --open;
  }
  return peak;
}

}  // namespace wsl::test
