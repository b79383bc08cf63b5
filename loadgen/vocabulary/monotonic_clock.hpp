// The one clock the generator measures with: monotonic nanoseconds, immune to wall-clock jumps.
#pragma once

#include <chrono>
#include <cstdint>

#include "vocabulary/duration.hpp"

namespace wsl {

inline int64_t monotonic_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace wsl
