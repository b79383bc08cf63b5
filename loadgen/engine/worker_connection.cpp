// A connection's life inside its worker: connect, upgrade, messages and pings, and what the server sends.
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/connect_error_reason.hpp"
#include "engine/message_payload.hpp"
#include "engine/socket_actions.hpp"
#include "engine/worker.hpp"
#include "vocabulary/monotonic_clock.hpp"
#include "wire/frame_writer.hpp"
#include "wire/opcode.hpp"
#include "wire/upgrade_request.hpp"

namespace wsl {
namespace {

// Stream numbers for connection_random, so each per-connection choice draws independently.
constexpr uint64_t kKeyStreamA = 101;
constexpr uint64_t kKeyStreamB = 102;
constexpr uint64_t kMessageOffsetStream = 103;

}  // namespace

// Delivers decoded frames of one connection to its worker.
class ConnectionFrameSink final : public FrameSink {
 public:
  ConnectionFrameSink(Worker& worker, Connection& conn, int64_t now_ns)
      : worker_(worker), conn_(conn), now_ns_(now_ns) {}

  void on_message(uint8_t, std::string_view payload) override {
    // What the server sends once our close began is the close code's to judge (worker_close.cpp).
    if (conn_.state == Connection::State::closing) worker_.on_message_while_closing(conn_, payload, now_ns_);
    else worker_.count_message(conn_, payload, now_ns_);
  }

  void on_ping(std::string_view payload) override {
    // Once we have sent a Close (or a pattern went silent) nothing more may be sent.
    if (conn_.state == Connection::State::open) worker_.queue_frame(conn_, opcode::pong, true, payload);
  }

  void on_pong(std::string_view) override { ++worker_.stats_.pongs_received; }

  void on_close(const CloseFrame& close) override { worker_.on_close_frame(conn_, close, now_ns_); }

 private:
  Worker& worker_;
  Connection& conn_;
  int64_t now_ns_;
};

void Worker::count_message(Connection& conn, std::string_view payload, int64_t now_ns) {
  ++stats_.messages_received;
  const MessagesSpec& spec = profile_.session.messages;
  if (!spec.expect_echo || conn.echoes_received >= conn.messages_sent) return;
  const uint64_t sequence = conn.echoes_received++;
  if (!payload_matches(payload, sequence, spec.size)) {
    ++stats_.echo_mismatches;
    return;
  }
  // Measured from when the message was due (its latency origin on the timer grid), not when it was sent: a slow
  // loop cannot hide latency. Only the latest message's origin is kept; an older one still unanswered is measured
  // from its exact due time, which may count up to timer_slack more, never less.
  const int64_t intended = sequence + 1 == conn.messages_sent
                               ? conn.last_message_origin_ns
                               : conn.first_message_ns + int64_t(sequence) * to_ns(spec.interval);
  stats_.message_rtt.record(Duration(now_ns - intended));
}

void Worker::open_connection(uint64_t conn_id, int64_t intended_ns, const CloseChoice* abort_choice) {
  auto owned = std::make_unique<Connection>(profile_.max_message_size);
  Connection& conn = *owned;
  conn.id = conn_id;
  conn.intended_open_ns = intended_ns;
  conn.abort_choice = abort_choice;
  conn.deadline_ns = intended_ns + to_ns(profile_.target.connect_timeout);
  connections_.emplace(conn_id, std::move(owned));
  ++stats_.connects_attempted;

  // Spread by global id so every shard and worker uses every source address evenly.
  const SocketAddress* source =
      source_addresses_.empty() ? nullptr : &source_addresses_[conn_id % source_addresses_.size()];
  int error_number = 0;
  conn.fd = start_connect(*target_address_, source, &error_number);
  if (conn.fd >= 0) error_number = register_new_socket(conn);
  if (error_number != 0) {
    if (conn.fd >= 0) ::close(conn.fd);
    ++stats_.connect_errors[std::string(connect_error_reason(error_number))];
    connections_.erase(conn_id);
  }
}

int Worker::register_new_socket(Connection& conn) {
  // Set before the connect completes, so it holds from the first byte on either path below.
  disable_nagle(conn.fd);
  if (send_upgrade_at_once(conn) == EarlySend::connect_failed) return errno;
  // Still connecting: writeable once the connect has completed or failed. Upgrading: readable for the 101, and
  // writeable too while part of the request waits.
  const uint32_t events = conn.state == Connection::State::connecting ? uint32_t(EPOLLOUT)
                          : conn.out.empty()                          ? uint32_t(EPOLLIN)
                                                                      : uint32_t(EPOLLIN | EPOLLOUT);
  if (!loop_.add(conn.fd, conn.id, events)) return errno;
  conn.watched_events = events;
  rearm(conn);
  return 0;
}

Worker::EarlySend Worker::send_upgrade_at_once(Connection& conn) {
  // Over wss:// TLS speaks first, and an aborted handshake paces its own bytes: both wait for writeable.
  if (tls_context_ || conn.abort_choice || !early_send_.should_try()) return EarlySend::not_yet;
  std::string request = prepare_upgrade(conn);
  const ssize_t n = ::send(conn.fd, request.data(), request.size(), MSG_NOSIGNAL);
  early_send_.record(n >= 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
    conn.out = std::move(request);  // on_connected sends it
    return EarlySend::not_yet;
  }
  if (n < 0) return EarlySend::connect_failed;  // the kernel knew already: refused, unreachable
  on_tcp_established(conn);
  stats_.bytes_sent += uint64_t(n);
  // Only what did not fit waits in conn.out (an idle connection keeps no buffer, as after flush()).
  if (size_t(n) < request.size()) conn.out.assign(request, size_t(n));
  return EarlySend::sent;
}

void Worker::on_tcp_established(Connection& conn) {
  const int64_t now = monotonic_now_ns();
  stats_.connect_latency.record(Duration(now - conn.intended_open_ns));
  conn.local_end = local_end_of(conn.fd);
  // handshake_timeout runs from here, over the TLS handshake (wss://) and the upgrade together.
  conn.state = Connection::State::upgrading;
  conn.deadline_ns = now + to_ns(profile_.target.handshake_timeout);
}

Handled Worker::on_connected(Connection& conn) {
  on_tcp_established(conn);
  watch(conn, EPOLLIN);
  if (tls_context_) {
    if (!start_tls(conn)) return Handled::close_socket;  // the upgrade is sent once TLS is established
  } else {
    send_upgrade(conn);
  }
  if (conn.state != Connection::State::ended) rearm(conn);
  return Handled::keep_socket;
}

std::string Worker::upgrade_key(const Connection& conn) const {
  return make_websocket_key(connection_random(profile_.seed, conn.id, kKeyStreamA),
                            connection_random(profile_.seed, conn.id, kKeyStreamB));
}

std::string Worker::prepare_upgrade(Connection& conn) {
  const std::string key = upgrade_key(conn);
  conn.upgrade = std::make_unique<UpgradeResponseParser>(websocket_accept_for(key), profile_.target.subprotocols);
  return upgrade_request_.render(key);
}

void Worker::send_upgrade(Connection& conn) {
  if (conn.abort_choice) {
    begin_handshake_abort(conn, upgrade_request_.render(upgrade_key(conn)));
    return;
  }
  if (conn.upgrade) {
    request_flush(conn);  // an early send found the connect under way: the request waits in conn.out
    return;
  }
  queue_bytes(conn, prepare_upgrade(conn));
}

Handled Worker::on_receive(Connection& conn, const char* data, size_t len) {
  stats_.bytes_received += len;
  // An aborted handshake ignores whatever the server answers (over wss://, once TLS let it begin).
  if (conn.abort_choice && conn.state != Connection::State::upgrading) return Handled::keep_socket;
  if (conn.tls) return on_tls_bytes(conn, data, len);
  return on_plaintext(conn, data, len);
}

Handled Worker::on_plaintext(Connection& conn, const char* data, size_t len) {
  if (conn.state == Connection::State::upgrading)
    return conn.upgrade ? on_upgrade_bytes(conn, data, len) : Handled::keep_socket;
  if (conn.abort_choice) return Handled::keep_socket;
  if (conn.state == Connection::State::open || conn.state == Connection::State::closing)
    return on_frame_bytes(conn, data, len);
  return Handled::keep_socket;
}

Handled Worker::on_upgrade_bytes(Connection& conn, const char* data, size_t len) {
  const UpgradeProgress progress = conn.upgrade->feed(std::string_view(data, len));
  if (progress.state == UpgradeState::incomplete) return Handled::keep_socket;
  if (progress.state == UpgradeState::rejected) {
    record_connect_error(conn, std::string(conn.upgrade->error()->reason));
    return Handled::close_socket;
  }
  on_handshake_done(conn);
  if (progress.consumed < len) return on_frame_bytes(conn, data + progress.consumed, len - progress.consumed);
  return Handled::keep_socket;
}

void Worker::on_handshake_done(Connection& conn) {
  const int64_t now = monotonic_now_ns();
  stats_.handshake_latency.record(Duration(now - conn.intended_open_ns));
  ++stats_.connections_opened;
  conn.upgrade.reset();
  conn.state = Connection::State::open;
  conn.deadline_ns = 0;
  // Spread each connection's messages and pings over the interval so connections opened together
  // do not send in lockstep; the offset is seeded, so runs are reproducible. A first message due at_open is
  // due now: this turn's timers send it, so it costs no wake-up of its own.
  const uint64_t jitter = connection_random(profile_.seed, conn.id, kMessageOffsetStream);
  const MessagesSpec& messages = profile_.session.messages;
  const int64_t interval = to_ns(messages.interval);
  if (interval > 0) {
    const bool at_open = messages.first == MessagesSpec::First::at_open;
    conn.first_message_ns = at_open ? now : now + int64_t(jitter % uint64_t(interval));
  }
  const int64_t ping = to_ns(profile_.session.ping_interval);
  if (ping > 0) conn.next_ping_ns = now + int64_t(jitter % uint64_t(ping));
  if (conn.close_choice) {
    // The schedule asked for this close while the handshake was still under way.
    const CloseChoice* choice = conn.close_choice;
    conn.close_choice = nullptr;
    begin_close(conn, *choice, conn.intended_close_ns);
    return;
  }
  rearm(conn);
}

Handled Worker::on_frame_bytes(Connection& conn, const char* data, size_t len) {
  ConnectionFrameSink sink(*this, conn, monotonic_now_ns());
  const FrameError* error = conn.reader.feed(std::string_view(data, len), sink);
  if (!error || conn.protocol_error_seen) return Handled::keep_socket;
  // A server that breaks the protocol gets the RFC's answer: a Close with the matching code.
  conn.protocol_error_seen = true;
  ++stats_.protocol_errors[std::string(error->reason())];
  if (conn.state == Connection::State::open) {
    queue_frame(conn, opcode::close, true, close_payload(error->close_code(), ""));
    conn.state = Connection::State::closing;
    conn.close_step = CloseStep::answered_server_close;
    conn.deadline_ns = monotonic_now_ns() + to_ns(profile_.close.timeout);
    rearm(conn);
  }
  return Handled::keep_socket;
}

void Worker::send_due_traffic(Connection& conn, int64_t now_ns) {
  if (conn.state != Connection::State::open) return;
  const MessagesSpec& messages = profile_.session.messages;
  const int64_t interval = to_ns(messages.interval);
  if (interval > 0) {
    const uint8_t op = messages.payload == MessagesSpec::Payload::text ? opcode::text : opcode::binary;
    for (;;) {
      const int64_t due = conn.first_message_ns + int64_t(conn.messages_sent) * interval;
      if (due > now_ns) break;
      stats_.timer_lateness.record(Duration(grid_.lateness(due, now_ns)));
      conn.last_message_origin_ns = grid_.latency_origin(due, now_ns);
      fill_message_payload(scratch_, conn.messages_sent, messages.size);
      queue_frame(conn, op, true, scratch_);
      ++conn.messages_sent;
      ++stats_.messages_sent;
    }
  }
  if (conn.next_ping_ns && conn.next_ping_ns <= now_ns) {
    stats_.timer_lateness.record(Duration(grid_.lateness(conn.next_ping_ns, now_ns)));
    // Its latency origin (when it was due on the timer grid): the server can tell how late it came.
    const int64_t origin = grid_.latency_origin(conn.next_ping_ns, now_ns);
    char payload[8];
    std::memcpy(payload, &origin, sizeof payload);
    queue_frame(conn, opcode::ping, true, std::string_view(payload, sizeof payload));
    ++stats_.pings_sent;
    conn.next_ping_ns += to_ns(profile_.session.ping_interval);
  }
}

void Worker::queue_bytes(Connection& conn, std::string_view bytes) {
  if (conn.tls) queue_encrypted(conn, bytes);
  else queue_on_socket(conn, bytes);
}

void Worker::queue_on_socket(Connection& conn, std::string_view bytes) {
  conn.out.append(bytes);
  request_flush(conn);
}

void Worker::queue_frame(Connection& conn, uint8_t op, bool fin, std::string_view payload) {
  if (conn.tls) {
    tls_frame_.clear();
    append_client_frame(tls_frame_, op, fin, payload, uint32_t(mask_random_()));
    queue_encrypted(conn, tls_frame_);
    return;
  }
  append_client_frame(conn.out, op, fin, payload, uint32_t(mask_random_()));
  request_flush(conn);
}

void Worker::record_connect_error(Connection& conn, const std::string& reason) {
  ++stats_.connect_errors[reason];
  conn.state = Connection::State::ended;
  conn.deadline_ns = 0;
}

}  // namespace wsl
