// What one worker observed during a run; each worker owns one, and they are merged at the end.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "stats/latency_histogram.hpp"
#include "vocabulary/close_pattern.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

// How a close attempt ended, judged from what the server did.
enum class CloseOutcome {
  completed,           // close handshake completed and the server closed TCP (clean), or the drop was done
  server_closed_first, // the server ended the connection before or instead of answering our close
  timed_out,           // the server did not answer the Close within close.timeout
  server_never_closed, // a held pattern's hold expired with the connection still open
  error,               // the connection failed while closing
  last = error,
};
inline constexpr int kCloseOutcomeCount = int(kEnumCount<CloseOutcome>);
// The stable names, as they appear in metrics labels, reports and the summary.
inline constexpr EnumNames<CloseOutcome> kCloseOutcomeNames = {"completed", "server_closed_first", "timed_out",
                                                              "server_never_closed", "error"};
static_assert(names_complete<CloseOutcome>(kCloseOutcomeNames));
constexpr const char* to_string(CloseOutcome o) { return name_in(kCloseOutcomeNames, o); }

struct PatternStats {
  uint64_t started = 0;                             // closes begun with this pattern
  std::array<uint64_t, kCloseOutcomeCount> outcomes{};
  std::map<int, uint64_t> codes_received;           // server's Close code (1005 = none given); 0 = no Close frame
  LatencyHistogram close_latency;                   // from intended close time to the server's Close frame
  LatencyHistogram server_tcp_close_latency;        // from intended close time to the server ending TCP (FIN or RST)
  LatencyHistogram server_reclaim_time;             // from intended close time to the server's socket being gone

  void merge(const PatternStats& other);
};

struct RunStats {
  uint64_t connects_attempted = 0;
  uint64_t connections_opened = 0;                  // handshake completed (101 accepted)
  std::map<std::string, uint64_t> connect_errors;   // by reason label, e.g. "refused", "timeout", "handshake_status"
  uint64_t dropped_by_server = 0;                   // server ended an open connection before we closed it
  std::map<int, uint64_t> server_close_codes;       // codes of those server-initiated ends; 0 = TCP ended without a Close
  std::map<std::string, uint64_t> protocol_errors;  // server broke RFC 6455, by reason label (e.g. "masked_frame")
  uint64_t tcp_closed_by_server = 0;                // after our close, the server closed TCP first (as RFC 6455 asks)
  uint64_t tcp_closed_by_client = 0;                // after our close, we had to close TCP when close.timeout expired
  std::map<std::string, uint64_t> reclaim_stuck;    // connections whose server socket was still held at the end, by state
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t echo_mismatches = 0;                     // expect_echo: an echo that differed from what was sent
  uint64_t pings_sent = 0;
  uint64_t pongs_received = 0;
  LatencyHistogram connect_latency;                 // intended open time -> TCP established
  LatencyHistogram handshake_latency;               // intended open time -> 101 received
  LatencyHistogram message_rtt;                     // intended send time -> echo received
  LatencyHistogram timer_lateness;                  // planned time -> the generator acting on it (opens, closes,
                                                    // messages, pings): its own delay, apart from the server's
  std::array<PatternStats, kClosePatternCount> patterns{};
  uint64_t connections_left = 0;                    // still in a worker's connection table when its loop ended: 0
                                                    // unless the event loop failed, since a connection leaves on close

  uint64_t connect_error_total() const;
  void merge(const RunStats& other);
};

}  // namespace wsl
