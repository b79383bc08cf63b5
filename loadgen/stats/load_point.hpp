// The generator's side of the time series: what the load looked like at one moment of the run.
#pragma once

#include <cstdint>
#include <string>

namespace wsl {

// Recorded once per monitor interval (1 s without a monitor), on the same clock as the monitor's samples,
// so reports can draw load and server resources on one time axis. Counters are totals since the run
// started; rates are differences between neighbouring points.
struct LoadPoint {
  int64_t at_ns = 0;         // monotonic, from the start of the run (same epoch as ResourceSample::at_ns)
  uint32_t cycle = 1;        // counted from 1
  std::string phase;         // the phase's name, or "settle" between the phases of one cycle and the next
  int64_t active = 0;        // connections open now
  uint64_t connects_attempted = 0;
  uint64_t connections_opened = 0;
  uint64_t connect_errors = 0;
  uint64_t closes_started = 0;  // all patterns
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
};

}  // namespace wsl
