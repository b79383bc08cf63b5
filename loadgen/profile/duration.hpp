// The one duration type: nanoseconds, as profiles state them and the engine measures them.
#pragma once

#include <chrono>

namespace wsl {

using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;

}  // namespace wsl
