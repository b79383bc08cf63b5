// The one duration type: nanoseconds, as profiles state them and the engine measures them.
#pragma once

#include <chrono>
#include <cstdint>

namespace wsl {

using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;

// A duration in the engine's integer nanoseconds.
inline int64_t to_ns(Duration d) { return d.count(); }

}  // namespace wsl
