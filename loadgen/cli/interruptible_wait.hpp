// Waits for a while on the calling thread, returning early once a condition (usually a signal) holds.
#pragma once

#include <functional>
#include <thread>

#include "profile/profile.hpp"
#include "vocabulary/monotonic_clock.hpp"

namespace wsl {

// Polls `stop` every 20 ms: short enough that Ctrl-C feels immediate, long enough to cost nothing.
inline void wait_unless(Duration duration, const std::function<bool()>& stop) {
  const int64_t until = monotonic_now_ns() + duration.count();
  while (!stop() && monotonic_now_ns() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace wsl
