// What a worker publishes for the live progress line: copied from its own stats a few times a second.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "profile/profile.hpp"

namespace wsl {

// Plain numbers, read by the progress thread without locks. Workers own their stats; publishing a
// copy every few hundred milliseconds keeps atomics out of the per-message path.
struct alignas(64) LiveCounters {
  std::atomic<uint64_t> connects_attempted{0};
  std::atomic<uint64_t> connections_opened{0};
  std::atomic<uint64_t> connect_errors{0};
  std::atomic<uint64_t> messages_sent{0};
  std::atomic<uint64_t> messages_received{0};
  std::atomic<int64_t> active{0};
  std::atomic<int32_t> phase_index{-1};
  std::array<std::atomic<uint64_t>, kClosePatternCount> closes_started{};
};

// A consistent-enough sum over workers at one moment.
struct ProgressSnapshot {
  uint64_t connects_attempted = 0;
  uint64_t connections_opened = 0;
  uint64_t connect_errors = 0;
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
  int64_t active = 0;
  int32_t phase_index = -1;  // the furthest phase any worker reached
  std::array<uint64_t, kClosePatternCount> closes_started{};

  void add(const LiveCounters& live);
};

}  // namespace wsl
