// How a worker ends connections: the close patterns' wire actions and how the server's answer is judged.
#include <libwebsockets.h>

#include "engine/monotonic_clock.hpp"
#include "engine/socket_actions.hpp"
#include "engine/worker.hpp"
#include "wire/frame_writer.hpp"
#include "wire/opcode.hpp"

namespace wsl {
namespace {

int64_t to_ns(Duration d) { return d.count(); }

// RFC 6455 §7.4.1: 1005 is what an endpoint reports when a Close frame carried no status code.
constexpr int kNoStatusReceived = 1005;

}  // namespace

bool pattern_is_implemented(ClosePattern pattern) {
  switch (pattern) {
    case ClosePattern::clean:
    case ClosePattern::close_no_wait:
    case ClosePattern::fin:
    case ClosePattern::rst:
      return true;
    default:
      return false;
  }
}

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
  const int64_t close_deadline = intended_ns + to_ns(profile_.close.timeout);

  switch (choice.pattern) {
    case ClosePattern::clean:
      queue_frame(conn, opcode::close, true, close_payload(uint16_t(choice.code), choice.reason));
      conn.close_step = Connection::CloseStep::awaiting_close_reply;
      conn.deadline_ns = close_deadline;
      break;
    case ClosePattern::close_no_wait:
      queue_frame(conn, opcode::close, true, close_payload(uint16_t(choice.code), choice.reason));
      conn.fin_after_write = true;  // FIN goes out right behind the Close frame, see after_write
      conn.close_step = Connection::CloseStep::awaiting_server_fin;
      conn.deadline_ns = close_deadline;
      break;
    case ClosePattern::fin:
      send_fin(lws_get_socket_fd(conn.wsi));
      conn.close_step = Connection::CloseStep::awaiting_server_fin;
      conn.deadline_ns = close_deadline;
      break;
    case ClosePattern::rst:
      send_rst(lws_get_socket_fd(conn.wsi));
      finish(conn, CloseOutcome::completed);
      kill(conn);
      return;
    default:
      // Rejected before the run starts (see pattern_is_implemented); never reached.
      kill(conn);
      return;
  }
  rearm(conn);
}

int Worker::after_write(Connection& conn) {
  if (conn.fin_after_write) {
    conn.fin_after_write = false;
    send_fin(lws_get_socket_fd(conn.wsi));
  }
  return conn.state == Connection::State::ended ? -1 : 0;
}

void Worker::on_close_frame(Connection& conn, const CloseFrame& close, int64_t now_ns) {
  const int code = close.has_code ? close.code : kNoStatusReceived;
  if (conn.state == Connection::State::closing && conn.close_choice) {
    PatternStats& pattern = stats_.patterns[int(conn.close_choice->pattern)];
    if (!conn.close_reply_received) {
      conn.close_reply_received = true;
      ++pattern.codes_received[code];
      pattern.close_latency.record(Duration(now_ns - conn.intended_close_ns));
    }
    if (conn.close_step == Connection::CloseStep::awaiting_close_reply)
      conn.close_step = Connection::CloseStep::awaiting_server_fin;  // same deadline: close.timeout overall
    return;
  }
  if (conn.state != Connection::State::open) return;
  // The server starts the close: answer it as RFC 6455 §5.5.1 asks (echo the code), then let it close TCP.
  ++stats_.dropped_by_server;
  ++stats_.server_close_codes[code];
  queue_frame(conn, opcode::close, true,
              close.has_code ? close_payload(close.code, "") : std::string_view());
  conn.state = Connection::State::closing;
  conn.close_step = Connection::CloseStep::answered_server_close;
  conn.deadline_ns = now_ns + to_ns(profile_.close.timeout);
  rearm(conn);
}

void Worker::on_connection_deadline(Connection& conn, int64_t) {
  conn.deadline_ns = 0;
  switch (conn.state) {
    case Connection::State::connecting:
      record_connect_error(conn, "connect_timeout");
      break;
    case Connection::State::upgrading:
      record_connect_error(conn, "handshake_timeout");
      break;
    case Connection::State::closing:
      if (conn.close_step == Connection::CloseStep::awaiting_close_reply) {
        finish(conn, CloseOutcome::timed_out);
      } else if (conn.close_step == Connection::CloseStep::awaiting_server_fin) {
        // The server answered (clean) but never closed TCP, or never reacted to our FIN.
        finish(conn, conn.close_reply_received ? CloseOutcome::completed : CloseOutcome::server_never_closed);
        ++stats_.tcp_closed_by_client;
      }
      break;
    default:
      break;
  }
  kill(conn);
}

void Worker::on_socket_closed(Connection& conn) {
  switch (conn.state) {
    case Connection::State::connecting:
      ++stats_.connect_errors["connect_failed"];
      break;
    case Connection::State::upgrading:
      ++stats_.connect_errors["handshake_eof"];
      break;
    case Connection::State::open:
      ++stats_.dropped_by_server;
      ++stats_.server_close_codes[0];  // TCP ended without a Close frame
      break;
    case Connection::State::closing:
      if (conn.close_step == Connection::CloseStep::awaiting_close_reply) {
        finish(conn, CloseOutcome::server_closed_first);
      } else if (conn.close_step == Connection::CloseStep::awaiting_server_fin) {
        finish(conn, CloseOutcome::completed);
        ++stats_.tcp_closed_by_server;
      }
      break;
    case Connection::State::ended:
      break;
  }
  if (conn.wsi) lws_set_opaque_user_data(conn.wsi, nullptr);
  connections_.erase(conn.id);
}

void Worker::finish(Connection& conn, CloseOutcome outcome) {
  if (conn.close_choice) ++stats_.patterns[int(conn.close_choice->pattern)].outcomes[int(outcome)];
  conn.state = Connection::State::ended;
  conn.deadline_ns = 0;
}

void Worker::kill(Connection& conn) {
  conn.state = Connection::State::ended;
  conn.deadline_ns = 0;
  if (conn.wsi) lws_set_timeout(conn.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

}  // namespace wsl
