// The one clock the engine measures with: monotonic nanoseconds, immune to wall-clock jumps.
#pragma once

#include <chrono>
#include <cstdint>

namespace wsl {

// Profile durations in the engine's integer nanoseconds.
inline int64_t to_ns(std::chrono::nanoseconds d) { return d.count(); }

inline int64_t monotonic_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace wsl
