// Per-phase figures: taken as differences of a worker's running totals at each phase start.
#include "stats/phase_stats.hpp"

#include <algorithm>

namespace wsl {
namespace {

PhaseStats totals_of(const RunStats& totals) {
  PhaseStats s;
  s.connects_attempted = totals.connects_attempted;
  s.connections_opened = totals.connections_opened;
  s.connect_errors = totals.connect_errors;
  s.dropped_by_server = totals.dropped_by_server;
  for (const PatternStats& p : totals.patterns) s.closes_started += p.started;
  s.messages_sent = totals.messages_sent;
  s.messages_received = totals.messages_received;
  s.connect_latency = totals.connect_latency;
  s.handshake_latency = totals.handshake_latency;
  s.message_rtt = totals.message_rtt;
  return s;
}

uint64_t gained(uint64_t later, uint64_t earlier) { return later > earlier ? later - earlier : 0; }

}  // namespace

uint64_t PhaseStats::connect_error_total() const {
  uint64_t total = 0;
  for (const auto& [reason, n] : connect_errors) total += n;
  return total;
}

void PhaseStats::merge(const PhaseStats& o) {
  start = std::min(start, o.start);
  end = std::max(end, o.end);
  connects_attempted += o.connects_attempted;
  connections_opened += o.connections_opened;
  for (const auto& [reason, n] : o.connect_errors) connect_errors[reason] += n;
  dropped_by_server += o.dropped_by_server;
  closes_started += o.closes_started;
  messages_sent += o.messages_sent;
  messages_received += o.messages_received;
  connect_latency.merge(o.connect_latency);
  handshake_latency.merge(o.handshake_latency);
  message_rtt.merge(o.message_rtt);
  open_at_start += o.open_at_start;
  open_at_end += o.open_at_end;
}

void PhaseRecorder::close_current(Duration at, const RunStats& totals, uint64_t open_now) {
  if (!current_) return;
  const PhaseStats& begun = *current_;
  PhaseStats now = totals_of(totals);
  PhaseStats phase;
  phase.phase_index = begun.phase_index;
  phase.start = begun.start;
  phase.end = std::max(at, begun.start);
  phase.connects_attempted = gained(now.connects_attempted, begun.connects_attempted);
  phase.connections_opened = gained(now.connections_opened, begun.connections_opened);
  for (const auto& [reason, n] : now.connect_errors) {
    const auto it = begun.connect_errors.find(reason);
    const uint64_t before = it == begun.connect_errors.end() ? 0 : it->second;
    if (n > before) phase.connect_errors[reason] = n - before;
  }
  phase.dropped_by_server = gained(now.dropped_by_server, begun.dropped_by_server);
  phase.closes_started = gained(now.closes_started, begun.closes_started);
  phase.messages_sent = gained(now.messages_sent, begun.messages_sent);
  phase.messages_received = gained(now.messages_received, begun.messages_received);
  phase.connect_latency = now.connect_latency.since(begun.connect_latency);
  phase.handshake_latency = now.handshake_latency.since(begun.handshake_latency);
  phase.message_rtt = now.message_rtt.since(begun.message_rtt);
  phase.open_at_start = begun.open_at_start;
  phase.open_at_end = open_now;
  done_.push_back(std::move(phase));
  current_.reset();
}

void PhaseRecorder::phase_started(uint32_t phase_index, Duration at, const RunStats& totals, uint64_t open_now) {
  close_current(at, totals, open_now);
  current_ = totals_of(totals);
  current_->phase_index = phase_index;
  current_->start = at;
  current_->open_at_start = open_now;
}

void PhaseRecorder::finished(Duration at, const RunStats& totals, uint64_t open_now) {
  close_current(at, totals, open_now);
}

std::vector<PhaseStats> merge_phases(const std::vector<std::vector<PhaseStats>>& per_worker) {
  std::map<uint32_t, PhaseStats> by_index;
  for (const auto& phases : per_worker)
    for (const PhaseStats& p : phases) {
      auto [it, inserted] = by_index.try_emplace(p.phase_index, p);
      if (!inserted) it->second.merge(p);
    }
  std::vector<PhaseStats> out;
  for (auto& [index, p] : by_index) out.push_back(std::move(p));
  return out;
}

}  // namespace wsl
