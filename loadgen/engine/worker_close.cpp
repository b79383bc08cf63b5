// How a worker ends connections: each close pattern's first wire actions, and the close steps' reactions
// (engine/close_steps.hpp) carried out on the socket.
#include <sys/epoll.h>

#include <algorithm>

#include "engine/message_payload.hpp"
#include "engine/socket_actions.hpp"
#include "engine/worker.hpp"
#include "vocabulary/monotonic_clock.hpp"
#include "wire/frame_writer.hpp"
#include "wire/opcode.hpp"

namespace wsl {
namespace {

// RFC 6455 §7.4.1: 1005 is what an endpoint reports when a Close frame carried no status code.
constexpr int kNoStatusReceived = 1005;
// An RST waits for written bytes to be acknowledged, but a peer that stops acknowledging must not
// hold it forever.
constexpr int64_t kDrainBeforeResetNs = 1'000'000'000;
constexpr int64_t kDrainRecheckNs = 1'000'000;

// How often a held socket that is not being read is checked for the server having given up:
// fine enough to time the server, coarse enough to hold thousands of sockets cheaply.
int64_t probe_interval_ns(Duration hold) { return std::clamp<int64_t>(to_ns(hold) / 20, 20'000'000, 1'000'000'000); }

// What data_after_close sends after its Close: text, so a server that echoes it is told apart from the session's
// own messages (which it may still be echoing when our Close arrives).
constexpr std::string_view kDataAfterClose = "wsloadgen: data after close";

// When the next data frame after the Close is due: a whole number of intervals after the close was due.
int64_t next_data_after_close_ns(int64_t intended_ns, int64_t now_ns, Duration interval) {
  const int64_t step = to_ns(interval);
  return intended_ns + ((now_ns - intended_ns) / step + 1) * step;
}

uint8_t data_opcode(const MessagesSpec& messages) {
  return messages.payload == MessagesSpec::Payload::text ? opcode::text : opcode::binary;
}

}  // namespace

void Worker::begin_close(Connection& conn, const CloseChoice& choice, int64_t intended_ns) {
  if (conn.state == Connection::State::connecting || conn.state == Connection::State::upgrading) {
    // Not open yet: remember the decision and carry it out once the handshake completes.
    conn.close_choice = &choice;
    conn.intended_close_ns = intended_ns;
    return;
  }
  if (conn.state != Connection::State::open) return;
  conn.close_choice = &choice;
  conn.intended_close_ns = intended_ns;
  conn.state = Connection::State::closing;
  ++stats_.patterns[int(choice.pattern)].started;
  if (reclaim_) reclaim_->watch(conn.local_end, choice.pattern, intended_ns);
  const int64_t close_deadline = intended_ns + to_ns(profile_.close.timeout);
  const int64_t hold_deadline = intended_ns + to_ns(choice.hold);
  const std::string close_frame = close_payload(uint16_t(choice.code), choice.reason);

  switch (choice.pattern) {
    case ClosePattern::clean:
    case ClosePattern::invalid_close:  // same flow; the profile lets its code and reason break RFC 6455
      queue_frame(conn, opcode::close, true, close_frame);
      conn.close_step = CloseStep::awaiting_close_reply;
      conn.deadline_ns = close_deadline;
      break;
    case ClosePattern::close_no_wait:
      queue_frame(conn, opcode::close, true, close_frame);
      start_drop(conn, DropBy::fin);
      break;
    case ClosePattern::fin:
      start_drop(conn, DropBy::fin);
      break;
    case ClosePattern::rst:
    case ClosePattern::handshake_abort:  // only reachable if a phase mix differs; the drop is the same
      start_drop(conn, choice.pattern == ClosePattern::rst ? DropBy::rst : choice.by);
      break;
    case ClosePattern::mid_message: {
      // The first half of a message, FIN bit clear: the server is left waiting for the rest.
      const uint64_t size = profile_.session.messages.size;
      fill_message_payload(scratch_, conn.messages_sent, size);
      queue_frame(conn, data_opcode(profile_.session.messages), false,
                  std::string_view(scratch_).substr(0, std::max<uint64_t>(size / 2, size ? 1 : 0)));
      start_drop(conn, choice.by);
      break;
    }
    case ClosePattern::close_timeout:
      queue_frame(conn, opcode::close, true, close_frame);
      hold(conn, hold_deadline, CloseStep::holding_silent);
      break;
    case ClosePattern::stall:
      hold(conn, hold_deadline, CloseStep::holding_silent);
      break;
    case ClosePattern::ignore_server_close:
      hold(conn, hold_deadline, CloseStep::holding_reading);
      break;
    case ClosePattern::server_close:
      conn.close_step = CloseStep::awaiting_server_close;
      conn.deadline_ns = hold_deadline;
      break;
    case ClosePattern::data_after_close:
      // The Close, and the first data frame right behind it; the rest follow every interval (the probe).
      queue_frame(conn, opcode::close, true, close_frame);
      queue_frame(conn, opcode::text, true, kDataAfterClose);
      conn.close_step = CloseStep::sending_after_close;
      conn.deadline_ns = hold_deadline;
      conn.next_probe_ns = next_data_after_close_ns(intended_ns, intended_ns, choice.interval);
      break;
  }
  if (conn.state != Connection::State::ended) rearm(conn);
}

void Worker::begin_handshake_abort(Connection& conn, std::string_view request) {
  const CloseChoice& choice = *conn.abort_choice;
  conn.close_choice = &choice;
  conn.intended_close_ns = conn.intended_open_ns;
  conn.state = Connection::State::closing;
  ++stats_.patterns[int(ClosePattern::handshake_abort)].started;
  if (reclaim_) reclaim_->watch(conn.local_end, ClosePattern::handshake_abort, conn.intended_close_ns);
  if (choice.at == AbortPoint::mid_request) queue_bytes(conn, request.substr(0, request.size() / 2));
  if (choice.at == AbortPoint::before_response) queue_bytes(conn, request);
  start_drop(conn, choice.by);
  if (conn.state != Connection::State::ended) rearm(conn);
}

void Worker::hold(Connection& conn, int64_t until_ns, CloseStep step) {
  conn.close_step = step;
  conn.deadline_ns = until_ns;
  if (conn.reading_paused()) {
    watch(conn, conn.watched_events & ~uint32_t(EPOLLIN));
    conn.next_probe_ns = monotonic_now_ns() + probe_interval_ns(conn.close_choice->hold);
  }
}

void Worker::start_drop(Connection& conn, DropBy by) {
  conn.close_step = CloseStep::dropping;
  conn.drop_by = by;
  conn.deadline_ns = conn.intended_close_ns + to_ns(profile_.close.timeout);
  try_complete_drop(conn);
}

void Worker::try_complete_drop(Connection& conn) {
  if (!conn.out.empty() || conn.flush_queued) return;  // after_write comes back here
  const int fd = conn.fd;
  const int64_t now = monotonic_now_ns();
  if (conn.drop_by == DropBy::fin) {
    // A FIN queues behind the data, so it can go at once; then wait for the server to close too.
    send_fin(fd);
    conn.close_step = CloseStep::awaiting_server_fin;  // the drop is done: the server's end is awaited
    return;
  }
  // An RST discards unacknowledged data: wait (bounded) until what the pattern wrote has arrived.
  if (unacknowledged_bytes(fd) > 0 && now < conn.intended_close_ns + kDrainBeforeResetNs) {
    conn.next_probe_ns = now + kDrainRecheckNs;
    return;
  }
  record_outcome(conn, CloseOutcome::completed);
  reset_now(conn);
}

void Worker::reset_now(Connection& conn) {
  send_rst(conn.fd);
  conn.fd = -1;
  kill(conn);
}

void Worker::after_write(Connection& conn) {
  if (conn.state != Connection::State::closing) return;
  close_event(conn, CloseEvent::written, monotonic_now_ns());
  if (conn.state != Connection::State::ended) rearm(conn);
}

void Worker::on_probe(Connection& conn, int64_t now_ns) {
  conn.next_probe_ns = 0;
  if (conn.state == Connection::State::closing) close_event(conn, CloseEvent::probe, now_ns);
}

void Worker::on_close_frame(Connection& conn, const CloseFrame& close, int64_t now_ns) {
  const int code = close.has_code ? close.code : kNoStatusReceived;
  if (conn.state == Connection::State::open) {
    // The server starts the close unasked: a drop of an open connection, answered properly (close step none).
    ++stats_.dropped_by_server;
    ++stats_.server_close_codes[code];
    conn.state = Connection::State::closing;
  } else if (conn.state != Connection::State::closing) {
    return;
  } else if (conn.close_choice && !conn.close_reply_received) {
    // The server's answer to one of our patterns: recorded once, whatever the step does with it.
    conn.close_reply_received = true;
    PatternStats& pattern = stats_.patterns[int(conn.close_choice->pattern)];
    ++pattern.codes_received[code];
    pattern.close_latency.record(Duration(now_ns - conn.intended_close_ns));
  }
  close_event(conn, CloseEvent::close_frame, now_ns, &close);
}

void Worker::on_message_while_closing(Connection& conn, std::string_view payload, int64_t now_ns) {
  if (conn.close_choice && conn.close_choice->pattern == ClosePattern::data_after_close && payload == kDataAfterClose) {
    // The server acted on data that followed our Close, which RFC 6455 (§1.4, §5.5.1) has it discard.
    ++stats_.messages_received;
    if (!conn.protocol_error_seen) {
      conn.protocol_error_seen = true;
      ++stats_.protocol_errors[std::string(kEchoedDataAfterClose)];
    }
    return;
  }
  // Data the server had in flight when our close began: counted like any message.
  count_message(conn, payload, now_ns);
}

void Worker::on_connection_deadline(Connection& conn, int64_t now_ns) {
  conn.deadline_ns = 0;
  switch (conn.state) {
    case Connection::State::connecting:
      record_connect_error(conn, "connect_timeout");
      break;
    case Connection::State::upgrading:
      record_connect_error(conn, "handshake_timeout");
      break;
    case Connection::State::closing:
      close_event(conn, CloseEvent::deadline, now_ns);
      return;
    case Connection::State::open:
    case Connection::State::ended:
      break;
  }
  kill(conn);
}

void Worker::on_server_ended_tcp(Connection& conn, int64_t now_ns) {
  // Only our own patterns are judged, and only by the server's first end.
  if (!conn.close_choice || conn.outcome_recorded) return;
  stats_.patterns[int(conn.close_choice->pattern)].server_tcp_close_latency.record(
      Duration(now_ns - conn.intended_close_ns));
  close_event(conn, CloseEvent::server_ended_tcp, now_ns);
}

void Worker::close_event(Connection& conn, CloseEvent event, int64_t now_ns, const CloseFrame* close) {
  const CloseReaction reaction = react(conn.close_step, event, {conn.close_reply_received});
  conn.close_step = reaction.next;
  switch (reaction.tcp_closed_by) {
    case TcpCloser::untold: break;
    case TcpCloser::server: ++stats_.tcp_closed_by_server; break;
    case TcpCloser::client: ++stats_.tcp_closed_by_client; break;
  }
  if (reaction.outcome) record_outcome(conn, *reaction.outcome);
  switch (reaction.action) {
    case CloseAction::none:
      return;
    case CloseAction::answer_close:
      // RFC 6455 §5.5.1: the reply echoes the status code.
      queue_frame(conn, opcode::close, true, close->has_code ? close_payload(close->code, "") : std::string());
      conn.deadline_ns = now_ns + to_ns(profile_.close.timeout);
      rearm(conn);
      return;
    case CloseAction::send_close:
      queue_frame(conn, opcode::close, true,
                  close_payload(uint16_t(conn.close_choice->code), conn.close_choice->reason));
      conn.deadline_ns = now_ns + to_ns(profile_.close.timeout);
      return;
    case CloseAction::end_tcp:
      kill(conn);
      return;
    case CloseAction::reset:
      reset_now(conn);
      return;
    case CloseAction::try_drop:
      try_complete_drop(conn);
      return;
    case CloseAction::probe_tcp:
      if (peer_end(conn.fd) != PeerEnd::none) return on_server_ended_tcp(conn, now_ns);
      conn.next_probe_ns = now_ns + probe_interval_ns(conn.close_choice->hold);
      return;
    case CloseAction::send_data:
      queue_frame(conn, opcode::text, true, kDataAfterClose);
      conn.next_probe_ns = next_data_after_close_ns(conn.intended_close_ns, now_ns, conn.close_choice->interval);
      return;
  }
}

void Worker::on_socket_closed(Connection& conn) {
  const bool speaking_websocket = conn.state == Connection::State::open || conn.state == Connection::State::closing;
  if (speaking_websocket && !conn.abort_choice && !conn.protocol_error_seen) {
    // A server that ends TCP in the middle of a frame broke the protocol, even though it said nothing.
    if (const FrameError* error = conn.reader.end_of_stream()) {
      conn.protocol_error_seen = true;
      ++stats_.protocol_errors[std::string(error->reason())];
    }
  }
  switch (conn.state) {
    case Connection::State::connecting:
      ++stats_.connect_errors["connect_failed"];
      break;
    case Connection::State::upgrading:
      // TCP ended before TLS (wss://) or before the 101.
      ++stats_.connect_errors[conn.tls && conn.tls->state() == TlsClientSession::State::handshaking
                                  ? "tls_error"
                                  : "handshake_eof"];
      break;
    case Connection::State::open:
      ++stats_.dropped_by_server;
      ++stats_.server_close_codes[0];  // TCP ended without a Close frame
      break;
    case Connection::State::closing:
      on_server_ended_tcp(conn, monotonic_now_ns());
      break;
    case Connection::State::ended:
      break;
  }
  timers_.cancel(conn);
  connections_.erase(conn.id);
}

void Worker::record_outcome(Connection& conn, CloseOutcome outcome) {
  if (!conn.close_choice || conn.outcome_recorded) return;
  conn.outcome_recorded = true;
  ++stats_.patterns[int(conn.close_choice->pattern)].outcomes[int(outcome)];
}

void Worker::kill(Connection& conn) {
  conn.state = Connection::State::ended;
  conn.deadline_ns = 0;
  conn.next_probe_ns = 0;
  release_later(conn);
}

}  // namespace wsl
