// What a worker publishes for the live progress line: copied from its own stats a few times a second.
#include "engine/live_counters.hpp"

#include <algorithm>

namespace wsl {

void ProgressSnapshot::add(const LiveCounters& live) {
  constexpr auto relaxed = std::memory_order_relaxed;
  connects_attempted += live.connects_attempted.load(relaxed);
  connections_opened += live.connections_opened.load(relaxed);
  connect_errors += live.connect_errors.load(relaxed);
  messages_sent += live.messages_sent.load(relaxed);
  messages_received += live.messages_received.load(relaxed);
  active += live.active.load(relaxed);
  phase_index = std::max(phase_index, live.phase_index.load(relaxed));
  for (int i = 0; i < kClosePatternCount; ++i) closes_started[i] += live.closes_started[i].load(relaxed);
}

}  // namespace wsl
