// What each phase of a block observed, recorded by a worker as its phases start: the figures a step is judged by.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stats/latency_histogram.hpp"
#include "stats/run_stats.hpp"

namespace wsl {

// One phase's share of a RunStats (or, as a snapshot, the totals up to a moment). Events count in the phase during
// which they happened: a handshake that completes after the next phase began counts there, measured from intent.
struct PhaseStats {
  uint32_t phase_index = 0;
  Duration start{};  // from the block's schedule start: when the phase began
  Duration end{};    // when the next one began, or the workers finished
  uint64_t connects_attempted = 0;
  uint64_t connections_opened = 0;
  std::map<std::string, uint64_t> connect_errors;  // by reason
  uint64_t dropped_by_server = 0;
  uint64_t closes_started = 0;  // all patterns
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
  LatencyHistogram connect_latency;
  LatencyHistogram handshake_latency;
  LatencyHistogram message_rtt;
  uint64_t open_at_start = 0;  // WebSocket connections open when the phase began
  uint64_t open_at_end = 0;    // ... and when it ended

  uint64_t connect_error_total() const;
  // Adds another worker's share of the same phase.
  void merge(const PhaseStats& other);
};

// The worker's side: it calls phase_started() as each phase's start comes due in its schedule and finished() when
// its loop ends; each phase is then what the totals gained between its start and the next. Cheap: one copy of the
// few figures above per phase, none per event.
class PhaseRecorder {
 public:
  void phase_started(uint32_t phase_index, Duration at, const RunStats& totals, uint64_t open_now);
  void finished(Duration at, const RunStats& totals, uint64_t open_now);
  // One entry per phase that started, in order.
  const std::vector<PhaseStats>& phases() const { return done_; }

 private:
  void close_current(Duration at, const RunStats& totals, uint64_t open_now);

  std::optional<PhaseStats> current_;  // the totals when the running phase began
  std::vector<PhaseStats> done_;
};

// Merges several workers' phases of one block by phase index, in index order.
std::vector<PhaseStats> merge_phases(const std::vector<std::vector<PhaseStats>>& per_worker);

}  // namespace wsl
