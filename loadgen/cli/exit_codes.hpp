// The process exit codes (docs/exit-codes.md), in one place.
#pragma once

namespace wsl {

inline constexpr int kExitPassed = 0;         // run finished, every check passed
inline constexpr int kExitCheckFailed = 1;    // run finished, a check failed
inline constexpr int kExitUsage = 2;          // usage or profile error: nothing was run
inline constexpr int kExitCannotProceed = 3;  // target unreachable at start, limits too low, ...
inline constexpr int kExitInterrupted = 130;  // interrupted before the run finished

}  // namespace wsl
