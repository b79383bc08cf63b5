// A generator thread: walks its copy of the schedule, opens and closes its share of connections.
#include "engine/worker.hpp"

#include <unistd.h>

#include <algorithm>

#include "engine/socket_actions.hpp"
#include "plan/close_mix_picker.hpp"
#include "vocabulary/monotonic_clock.hpp"

namespace wsl {
namespace {

// How long the loop may sleep before re-checking: bounds the reaction time to the schedule.
constexpr int64_t kMaxSleepNs = 50'000'000;
// After the schedule ends and every connection has had its close timeout and hold, anything
// still open is a bug or a stuck socket: give up on it rather than hang the run.
constexpr int64_t kFinalGraceNs = 5'000'000'000;
// One read takes what a socket has, up to this: a large echo or a flood arrives in few reads.
constexpr size_t kReadBufferBytes = 64 * 1024;
// Sockets served per wait; more ready ones are served by the next wait, which returns at once.
constexpr int kEventsPerWait = 256;

int64_t longest_hold_ns(const Profile& profile) {
  int64_t longest = 0;
  auto scan = [&](const std::vector<CloseChoice>& mix) {
    for (const auto& c : mix) longest = std::max(longest, to_ns(c.hold));
  };
  scan(profile.close.mix);
  for (const auto& phase : profile.phases) scan(phase.mix);
  return longest;
}

}  // namespace

Worker::Worker(const Profile& profile, const ResolvedTarget& target, Share share, int64_t run_start_ns)
    : profile_(profile),
      target_(target),
      share_(share),
      run_start_ns_(run_start_ns),
      grid_(run_start_ns, to_ns(profile.timer_slack)),
      schedule_(profile),
      mask_random_(profile.seed * 0x9E3779B97F4A7C15ull + share.worker_index + 1) {
  pending_event_ = next_event_of_this_share();
}

ScheduledEvent Worker::next_event_of_this_share() {
  // Every worker walks the whole (pure, seeded) schedule, but the opens and closes of connections that other
  // workers or shards own are passed over here, as they are drawn, not at their time: waking for them would
  // wake each of N workers N times as often as its own connections need (measured: 5.5 wake-ups per
  // connection with 2 workers at 1000 opens/s, 4.9 without them).
  for (;;) {
    ScheduledEvent ev = schedule_.next();
    const bool of_a_connection = ev.kind == ScheduledEvent::Kind::open || ev.kind == ScheduledEvent::Kind::close;
    if (!of_a_connection || share_.owns(ev.conn_id)) return ev;
  }
}

Worker::~Worker() {
  // A run cut short (or a failed loop) may leave sockets; the worker owns them, so it closes them.
  for (auto& [id, conn] : connections_)
    if (conn->fd >= 0) ::close(conn->fd);
}

bool Worker::init(std::string* error) {
  if (!loop_.init(error)) return false;
  target_address_ = make_socket_address(target_.address, target_.url.port);
  if (!target_address_) {
    *error = "target address " + target_.address + " is not a numeric IP address";
    return false;
  }
  for (const std::string& source : profile_.target.source_addresses) {
    auto address = make_socket_address(source, 0);
    if (!address || address->family() != target_address_->family()) {
      *error = "target.source_addresses: " + source + " is not an address of the target's family (" +
               target_.address + ")";
      return false;
    }
    source_addresses_.push_back(*address);
  }
  if (target_.url.tls) {
    // wss:// is TLS of our own over the plain TCP socket (worker_tls.cpp); the preflight checked the files.
    tls_context_ = TlsClientContext::create(profile_.target.tls, error);
    if (!tls_context_) {
      *error = "target.tls: " + *error;
      return false;
    }
  }
  UpgradeRequest request;
  request.path_and_query = target_.url.path_and_query;
  request.host_header = target_.url.host_header();
  request.origin = profile_.target.origin;
  request.subprotocols = profile_.target.subprotocols;
  request.headers = target_.headers;
  upgrade_request_ = UpgradeRequestTemplate(request);
  read_buffer_.resize(kReadBufferBytes);
  return true;
}

void Worker::request_stop(StopRequest request) {
  int wanted = int(request);
  int current = stop_request_.load();
  while (current < wanted && !stop_request_.compare_exchange_weak(current, wanted)) {
  }
  loop_.wake();
}

void Worker::run() {
  epoll_event events[kEventsPerWait];
  on_tick();
  while (!loop_done_) {
    // Timers are kept at their exact instants; only the sleep is rounded up to the timer grid (timer_slack).
    const int ready = loop_.wait(grid_.plan(next_tick_ns()) - monotonic_now_ns(), events, kEventsPerWait);
    for (int i = 0; i < ready; ++i) {
      const uint64_t key = events[i].data.u64;
      if (key == EventLoop::kWakeKey) {
        loop_.clear_wake();  // on_tick below looks at the stop request
        continue;
      }
      // Missing when an earlier event of this batch released the connection.
      auto it = connections_.find(key);
      if (it != connections_.end()) on_socket_event(*it->second, events[i].events);
    }
    finish_turn();
    on_tick();
  }
  stats_.connections_left = connections_.size();
  phases_.finished(Duration(monotonic_now_ns() - run_start_ns_), stats_, open_websockets());
}

void Worker::on_tick() {
  const int64_t now = monotonic_now_ns();
  if (stop_request_.load() != int(stop_handled_)) handle_stop(now);
  if (stop_handled_ == StopRequest::none) process_schedule(now);
  process_timers(now);
  finish_turn();
  publish_live(now);
  if (finished()) loop_done_ = true;
}

int64_t Worker::next_tick_ns() const {
  int64_t wake = monotonic_now_ns() + kMaxSleepNs;
  if (!schedule_done_ && stop_handled_ == StopRequest::none)
    wake = std::min(wake, run_start_ns_ + to_ns(pending_event_.at));
  if (!timers_.empty()) wake = std::min(wake, timers_.earliest_ns());
  return wake;
}

void Worker::publish_live(int64_t now_ns) {
  if (now_ns < next_publish_ns_ && !finished()) return;
  next_publish_ns_ = now_ns + 250'000'000;
  constexpr auto relaxed = std::memory_order_relaxed;
  live_.connects_attempted.store(stats_.connects_attempted, relaxed);
  live_.connections_opened.store(stats_.connections_opened, relaxed);
  live_.connect_errors.store(stats_.connect_error_total(), relaxed);
  live_.messages_sent.store(stats_.messages_sent, relaxed);
  live_.messages_received.store(stats_.messages_received, relaxed);
  live_.active.store(int64_t(connections_.size()), relaxed);
  live_.phase_index.store(phase_index_, relaxed);
  for (int i = 0; i < kClosePatternCount; ++i) live_.closes_started[i].store(stats_.patterns[i].started, relaxed);
  published_.publish(stats_);
}

uint64_t Worker::open_websockets() const {
  uint64_t open = 0;
  for (const auto& [id, conn] : connections_) open += conn->state == Connection::State::open ? 1 : 0;
  return open;
}

bool Worker::finished() const {
  if (!connections_.empty()) return false;
  return schedule_done_ || stop_handled_ != StopRequest::none;
}

void Worker::process_schedule(int64_t now_ns) {
  while (!schedule_done_ && run_start_ns_ + to_ns(pending_event_.at) <= now_ns) {
    const ScheduledEvent& ev = pending_event_;
    const int64_t due = run_start_ns_ + to_ns(ev.at);
    const int64_t intended = grid_.latency_origin(due, now_ns);
    switch (ev.kind) {
      case ScheduledEvent::Kind::open:  // of this share's connections only (next_event_of_this_share)
        stats_.timer_lateness.record(Duration(grid_.lateness(due, now_ns)));
        open_connection(ev.conn_id, intended, ev.close);
        break;
      case ScheduledEvent::Kind::close: {
        auto it = connections_.find(ev.conn_id);
        if (it != connections_.end()) {
          stats_.timer_lateness.record(Duration(grid_.lateness(due, now_ns)));
          begin_close(*it->second, *ev.close, intended);
        }
        break;
      }
      case ScheduledEvent::Kind::phase_start:
        phase_index_ = int32_t(ev.phase_index);
        phases_.phase_started(ev.phase_index, ev.at, stats_, open_websockets());
        break;
      case ScheduledEvent::Kind::end:
        schedule_done_ = true;
        // Every connection has had its close scheduled; bound how long they may take.
        stop_deadline_ns_ = now_ns + to_ns(profile_.close.timeout) + longest_hold_ns(profile_) + kFinalGraceNs;
        break;
    }
    if (!schedule_done_) pending_event_ = next_event_of_this_share();
  }
}

void Worker::handle_stop(int64_t now_ns) {
  const auto request = StopRequest(stop_request_.load());
  stop_handled_ = request;
  if (request == StopRequest::abort) {
    // Aborting resets every connection still open (docs/command-line.md), rather than closing it with a FIN.
    for (auto& [id, conn] : connections_) {
      if (conn->fd >= 0) send_rst(conn->fd);
      conn->fd = -1;
      kill(*conn);
    }
    return;
  }
  // Drain: close what is open with the drain mix (the last `close: all` phase's, else close.mix),
  // drawn per connection as the schedule would, bounded by close.timeout.
  const std::vector<CloseChoice>* mix = &profile_.close.mix;
  for (const auto& phase : profile_.phases)
    if (phase.close_all && !phase.mix.empty()) mix = &phase.mix;
  for (auto& [id, conn] : connections_) {
    const CloseChoice* choice = pick_close_choice_for_open_connection(
        *mix, connection_random(profile_.seed, id, RandomStream::close_mix));
    if (conn->state == Connection::State::open) begin_close(*conn, choice ? *choice : default_close_choice(), now_ns);
    else if (conn->state != Connection::State::closing) kill(*conn);
  }
  stop_deadline_ns_ = now_ns + to_ns(profile_.close.timeout) + 1'000'000'000;
  schedule_done_ = true;
}

void Worker::process_timers(int64_t now_ns) {
  while (Connection* conn = timers_.pop_due(now_ns)) {
    service_connection(*conn, now_ns);
    rearm(*conn);
  }
  // The one place the run's final deadline (after the schedule's end or a drain) is enforced.
  if (stop_deadline_ns_ && now_ns >= stop_deadline_ns_) {
    for (auto& [id, conn] : connections_)
      if (conn->state != Connection::State::ended) {
        if (conn->state == Connection::State::closing) record_outcome(*conn, CloseOutcome::timed_out);
        kill(*conn);
      }
  }
}

void Worker::service_connection(Connection& conn, int64_t now_ns) {
  if (conn.next_probe_ns && now_ns >= conn.next_probe_ns) on_probe(conn, now_ns);
  if (conn.state == Connection::State::ended) return;
  if (conn.deadline_ns && now_ns >= conn.deadline_ns) on_connection_deadline(conn, now_ns);
  else send_due_traffic(conn, now_ns);
}

int64_t Worker::next_wake_ns(const Connection& conn) const {
  int64_t wake = conn.deadline_ns ? conn.deadline_ns : INT64_MAX;
  if (conn.next_probe_ns) wake = std::min(wake, conn.next_probe_ns);
  if (conn.state == Connection::State::open) {
    const int64_t interval = to_ns(profile_.session.messages.interval);
    if (interval > 0) wake = std::min(wake, conn.first_message_ns + int64_t(conn.messages_sent) * interval);
    if (conn.next_ping_ns) wake = std::min(wake, conn.next_ping_ns);
  }
  return wake;
}

void Worker::rearm(Connection& conn) {
  const int64_t wake = next_wake_ns(conn);
  if (wake == INT64_MAX || conn.state == Connection::State::ended) timers_.cancel(conn);
  else timers_.arm(conn, wake);
}

}  // namespace wsl
