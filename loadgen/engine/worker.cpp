// A generator thread: walks its copy of the schedule, opens and closes its share of connections.
#include "engine/worker.hpp"

#include <libwebsockets.h>

#include <algorithm>

#include "engine/monotonic_clock.hpp"
#include "engine/transport_protocol.hpp"
#include "plan/close_mix_picker.hpp"

namespace wsl {
namespace {

// How long the loop may sleep before re-checking: bounds the reaction time to the schedule.
constexpr int64_t kMaxSleepNs = 50'000'000;
// After the schedule ends and every connection has had its close timeout and hold, anything
// still open is a bug or a stuck socket: give up on it rather than hang the run.
constexpr int64_t kFinalGraceNs = 5'000'000'000;

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

// The single lws timer that drives a worker: schedule events and connection deadlines.
struct Worker::TickTimer {
  lws_sorted_usec_list_t sul{};
  Worker* owner = nullptr;
};

Worker::Worker(const Profile& profile, const ResolvedTarget& target, Share share, int64_t run_start_ns)
    : profile_(profile),
      target_(target),
      share_(share),
      run_start_ns_(run_start_ns),
      schedule_(profile),
      tick_(std::make_unique<TickTimer>()),
      mask_random_(profile.seed * 0x9E3779B97F4A7C15ull + share.worker_index + 1) {
  tick_->owner = this;
  pending_event_ = schedule_.next();
}

Worker::~Worker() {
  if (context_) lws_context_destroy(context_);
}

bool Worker::init(std::string* error) {
  lws_set_log_level(LLL_ERR, nullptr);  // the generator reports through its own stats, not lws' log
  if (target_.url.tls) {
    // wss:// is TLS of our own over lws' plain TCP (worker_tls.cpp); the preflight checked the files.
    tls_context_ = TlsClientContext::create(profile_.target.tls, error);
    if (!tls_context_) {
      *error = "target.tls: " + *error;
      return false;
    }
  }
  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = transport_protocols();
  info.user = this;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
  // lws' own shutdown wait after we ask it to close: keep it short, patterns time themselves.
  info.timeout_secs = 2;
  info.connect_timeout_secs = unsigned(std::max<int64_t>(1, to_ns(profile_.target.connect_timeout) / 1'000'000'000));
  context_ = lws_create_context(&info);
  if (!context_) {
    *error = "cannot create the libwebsockets context";
    return false;
  }
  lws_context_creation_info vinfo{};
  vinfo.port = CONTEXT_PORT_NO_LISTEN;
  vinfo.protocols = transport_protocols();
  vinfo.vhost_name = "wsloadgen-client";
  vhost_ = lws_create_vhost(context_, &vinfo);
  if (!vhost_) {
    *error = "cannot create the libwebsockets client vhost";
    return false;
  }
  return true;
}

void Worker::request_stop(StopRequest request) {
  int wanted = int(request);
  int current = stop_request_.load();
  while (current < wanted && !stop_request_.compare_exchange_weak(current, wanted)) {
  }
  if (context_) lws_cancel_service(context_);
}

void Worker::run() {
  arm_tick();
  while (!loop_done_) {
    if (lws_service(context_, 0) < 0) break;
  }
  stats_.connections_left = connections_.size();
}

void Worker::on_wake() { on_tick(); }

void Worker::on_tick() {
  const int64_t now = monotonic_now_ns();
  if (stop_request_.load() != int(stop_handled_)) handle_stop(now);
  if (stop_handled_ == StopRequest::none) process_schedule(now);
  process_timers(now);
  publish_live(now);
  if (finished()) {
    loop_done_ = true;
    lws_cancel_service(context_);  // let lws_service return so run() sees loop_done_
    return;
  }
  arm_tick();
}

void Worker::arm_tick() {
  const int64_t now = monotonic_now_ns();
  int64_t wake = now + kMaxSleepNs;
  if (!schedule_done_ && stop_handled_ == StopRequest::none)
    wake = std::min(wake, run_start_ns_ + to_ns(pending_event_.at));
  if (!timers_.empty()) wake = std::min(wake, timers_.earliest_ns());
  const int64_t delay_us = std::max<int64_t>(0, (wake - now) / 1000);
  lws_sul_schedule(context_, 0, &tick_->sul,
                   [](lws_sorted_usec_list_t* sul) {
                     reinterpret_cast<TickTimer*>(sul)->owner->on_tick();
                   },
                   delay_us);
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

bool Worker::finished() const {
  if (!connections_.empty()) return false;
  return schedule_done_ || stop_handled_ != StopRequest::none;
}

void Worker::process_schedule(int64_t now_ns) {
  while (!schedule_done_ && run_start_ns_ + to_ns(pending_event_.at) <= now_ns) {
    const ScheduledEvent& ev = pending_event_;
    const int64_t intended = run_start_ns_ + to_ns(ev.at);
    switch (ev.kind) {
      case ScheduledEvent::Kind::open:
        if (share_.owns(ev.conn_id)) open_connection(ev.conn_id, intended, ev.close);
        break;
      case ScheduledEvent::Kind::close:
        if (share_.owns(ev.conn_id)) {
          auto it = connections_.find(ev.conn_id);
          if (it != connections_.end()) begin_close(*it->second, *ev.close, intended);
        }
        break;
      case ScheduledEvent::Kind::phase_start:
        phase_index_ = int32_t(ev.phase_index);
        break;
      case ScheduledEvent::Kind::end:
        schedule_done_ = true;
        // Every connection has had its close scheduled; bound how long they may take.
        stop_deadline_ns_ = now_ns + to_ns(profile_.close.timeout) + longest_hold_ns(profile_) + kFinalGraceNs;
        break;
    }
    if (!schedule_done_) pending_event_ = schedule_.next();
  }
}

void Worker::handle_stop(int64_t now_ns) {
  const auto request = StopRequest(stop_request_.load());
  stop_handled_ = request;
  if (request == StopRequest::abort) {
    for (auto& [id, conn] : connections_) kill(*conn);
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
  TimerQueue::Entry entry;
  while (timers_.pop_due(now_ns, entry)) {
    auto it = connections_.find(entry.conn_id);
    if (it == connections_.end()) continue;
    Connection& conn = *it->second;
    if (entry.token != conn.timer_token) continue;  // superseded by a later arming
    service_connection(conn, now_ns);
    rearm(conn);
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
  if (wake == INT64_MAX || conn.state == Connection::State::ended) return;
  timers_.arm(wake, conn.id, ++conn.timer_token);
}

}  // namespace wsl
