// Merging per-worker run statistics into one account of the run.
#include "stats/run_stats.hpp"

namespace wsl {

void PatternStats::merge(const PatternStats& other) {
  started += other.started;
  for (int i = 0; i < kCloseOutcomeCount; ++i) outcomes[i] += other.outcomes[i];
  for (const auto& [code, n] : other.codes_received) codes_received[code] += n;
  close_latency.merge(other.close_latency);
  server_tcp_close_latency.merge(other.server_tcp_close_latency);
  server_reclaim_time.merge(other.server_reclaim_time);
}

uint64_t RunStats::connect_error_total() const {
  uint64_t total = 0;
  for (const auto& [reason, n] : connect_errors) total += n;
  return total;
}

void RunStats::merge(const RunStats& other) {
  connects_attempted += other.connects_attempted;
  connections_opened += other.connections_opened;
  for (const auto& [reason, n] : other.connect_errors) connect_errors[reason] += n;
  dropped_by_server += other.dropped_by_server;
  for (const auto& [code, n] : other.server_close_codes) server_close_codes[code] += n;
  for (const auto& [reason, n] : other.protocol_errors) protocol_errors[reason] += n;
  tcp_closed_by_server += other.tcp_closed_by_server;
  tcp_closed_by_client += other.tcp_closed_by_client;
  connections_left += other.connections_left;
  for (const auto& [state, n] : other.reclaim_stuck) reclaim_stuck[state] += n;
  messages_sent += other.messages_sent;
  messages_received += other.messages_received;
  bytes_sent += other.bytes_sent;
  bytes_received += other.bytes_received;
  echo_mismatches += other.echo_mismatches;
  pings_sent += other.pings_sent;
  pongs_received += other.pongs_received;
  connect_latency.merge(other.connect_latency);
  handshake_latency.merge(other.handshake_latency);
  message_rtt.merge(other.message_rtt);
  timer_lateness.merge(other.timer_lateness);
  for (int i = 0; i < kClosePatternCount; ++i) patterns[i].merge(other.patterns[i]);
}

}  // namespace wsl
