// One step of a run (a phase, or one level of a capacity search): what it measured, and whether the server sustained it
// (docs/capacity-and-compare.md). Pure: built from a phase's figures and the monitor's samples in the step's window.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "monitor/resource_sample.hpp"
#include "profile/profile.hpp"
#include "stats/phase_stats.hpp"

namespace wsl {

struct LatencyFigures {
  uint64_t count = 0;
  std::optional<Duration> p50, p99;  // absent when nothing was recorded
};

struct StepResult {
  std::string name;  // the phase's name, e.g. "step-4000" in a search
  uint32_t cycle = 1;
  CapacityQuantity of = CapacityQuantity::connections;
  double level = 0;  // what the step asked for: open connections, or opens per second (of: connect_rate)
  int64_t start_ns = 0, end_ns = 0;  // from the start of the run (the monitor's epoch)
  bool completed = true;             // false: the run was interrupted during the step; it is not judged

  uint64_t connections_open = 0;  // WebSocket connections this process held open when the step ended
  uint64_t connects_attempted = 0, connections_opened = 0, closes_started = 0;
  double opens_per_second = 0, closes_per_second = 0;  // connections opened / closes started over the step
  std::map<std::string, uint64_t> errors;  // connect and handshake errors by reason
  uint64_t errors_total = 0;
  uint64_t dropped_by_server = 0;
  uint64_t messages_sent = 0, messages_received = 0;
  LatencyFigures handshake, message_rtt;

  // The server, when it runs on this host (or scrapes give its RSS and fds); absent otherwise.
  std::optional<double> server_cpu_share;           // utime+stime over the step / its length: 1.0 = one core busy
  std::optional<double> server_cpu_per_message;     // CPU seconds per message sent in the step
  std::optional<double> server_cpu_per_connection;  // CPU seconds per connect attempted in the step
  std::optional<double> server_rss_bytes;           // the highest sample in the step
  std::optional<double> server_fds;                 // likewise

  bool sustained = true;
  std::vector<std::string> failures;  // each "check: figure > limit", the first one is why the step failed
  std::string failed_check;           // the first failure's check, e.g. "handshake_p99"
  bool host_limited = false;          // errors that say this host ran out (local ports, fds), not the server

  double duration_seconds() const { return double(end_ns - start_ns) / 1e9; }
};

// What a step is, before its figures: where it sits in the run.
struct StepFrame {
  std::string name;
  uint32_t cycle = 1;
  CapacityQuantity of = CapacityQuantity::connections;
  double level = 0;
  int64_t start_ns = 0, end_ns = 0;  // from the start of the run
};

// The step's figures from its phase (or phases, merged) and the monitor's samples within [start_ns, end_ns].
StepResult measure_step(const StepFrame& frame, const PhaseStats& phase, const std::vector<ResourceSample>& series);

// Judges the step against the thresholds that make it sustained: handshake error ratio, handshake p99, message RTT
// p99 (when checks.message_rtt_p99_max is set), the server's CPU share (checks.server_cpu_max, when measured) and
// open connections the server dropped (checks.dropped_by_server_max). Sets sustained, failures and host_limited.
// A handshake still waiting when its step ends is judged where it completes or times out: a phase that only issues
// its opens (an instant ramp) sees its handshakes complete in the next one.
void judge_step(StepResult& step, const Checks& checks);

// Connect errors that mean this host ran out, not that the server refused: no local port, no file descriptor.
bool is_host_limit_error(const std::string& reason);

}  // namespace wsl
