// The close state machine: each close step's reactions to what can happen while a connection closes, side by
// side. Pure: the worker carries a reaction out on the socket (Worker::close_event in worker_close.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include "stats/run_stats.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

// Where a close stands. Worker::begin_close picks a pattern's first step; the reactions below take it from there.
enum class CloseStep : uint8_t {
  none,                   // not closing: the connection is opening or open
  awaiting_close_reply,   // our Close is sent; waiting for the server's
  sending_after_close,    // data_after_close: our Close is sent, and data frames follow it while the reply is awaited
  awaiting_server_fin,    // Closes exchanged, or our FIN sent: waiting for the server to close TCP (RFC 6455 §7.1.1)
  answered_server_close,  // the server began the close (or broke the protocol) and we answered: waiting for its FIN
  holding_silent,         // close_timeout, stall: the socket is neither read nor written until the hold ends
  holding_reading,        // ignore_server_close: read until the hold ends; the server's Close is never answered
  awaiting_server_close,  // server_close: waiting for the server to start the close handshake
  dropping,               // a FIN or RST goes out once the queued bytes are on the wire
  last = dropping,
};
inline constexpr EnumNames<CloseStep> kCloseStepNames = {
    "none",           "awaiting_close_reply", "sending_after_close",   "awaiting_server_fin", "answered_server_close",
    "holding_silent", "holding_reading",      "awaiting_server_close", "dropping"};
static_assert(names_complete<CloseStep>(kCloseStepNames));
constexpr const char* to_string(CloseStep s) { return name_in(kCloseStepNames, s); }

// What can happen to a connection while it closes.
enum class CloseEvent : uint8_t {
  close_frame,       // the server's Close frame arrived
  server_ended_tcp,  // the server's FIN or RST: read from the socket, or found by a probe
  deadline,          // the step's deadline passed (close.timeout or the hold, as the step began)
  probe,             // the step's own timer fired
  written,           // everything queued has been handed to the socket
  last = written,
};
inline constexpr EnumNames<CloseEvent> kCloseEventNames = {"close_frame", "server_ended_tcp", "deadline", "probe",
                                                           "written"};
static_assert(names_complete<CloseEvent>(kCloseEventNames));
constexpr const char* to_string(CloseEvent e) { return name_in(kCloseEventNames, e); }

// What the worker does besides moving to the next step.
enum class CloseAction : uint8_t {
  none,
  answer_close,  // our Close, echoing the server's code; then its FIN is awaited for close.timeout from now
  send_close,    // our Close with the pattern's code and reason; then the reply is awaited for close.timeout from now
  end_tcp,       // close the socket (a FIN, unless an RST went already): nothing more to wait for
  reset,         // an RST now: nothing more to wait for
  try_drop,      // send the pending FIN or RST once what was queued is written (an RST waits, bounded, for acks too)
  probe_tcp,     // ask the kernel whether the server ended TCP (a socket that is not read cannot tell otherwise):
                 // if it did, that is a server_ended_tcp event; if not, probe again later
  send_data,     // the next data frame after our Close; the probe comes back one `interval` later
  last = send_data,
};

// Which side closed TCP once our close was under way, for the run's counts.
enum class TcpCloser : uint8_t { untold, server, client, last = client };

struct CloseReaction {
  CloseStep next;                       // the step afterwards (the same one when it stays)
  std::optional<CloseOutcome> outcome = std::nullopt;  // the pattern's outcome; only the first one recorded counts
  CloseAction action = CloseAction::none;
  TcpCloser tcp_closed_by = TcpCloser::untold;

  bool operator==(const CloseReaction&) const = default;
};

// What a reaction depends on besides the step and the event.
struct CloseFacts {
  bool close_reply_received = false;  // the server's Close has arrived
};

// One function per step, each listing the step's reaction to every event. No default: a new step or event is
// named by the compiler in every place it must reach.
namespace close_steps {

using S = CloseStep;
using E = CloseEvent;
using O = CloseOutcome;
using A = CloseAction;

// The connection is opening or open; the worker asks only when the server's Close arrives.
constexpr CloseReaction none(E event) {
  switch (event) {
    case E::close_frame: return {S::answered_server_close, {}, A::answer_close};  // the server starts the close
    case E::server_ended_tcp: return {S::none};  // a drop of an open connection: counted by the worker
    case E::deadline: return {S::none, {}, A::end_tcp};  // not reached: an open connection has no deadline
    case E::probe: return {S::none};
    case E::written: return {S::none};
  }
  return {S::none};
}

// clean, invalid_close, and server_close once its hold passed: our Close is out.
constexpr CloseReaction awaiting_close_reply(E event) {
  switch (event) {
    case E::close_frame: return {S::awaiting_server_fin};  // same deadline: close.timeout overall
    case E::server_ended_tcp: return {S::awaiting_close_reply, O::server_closed_first};
    case E::deadline: return {S::awaiting_close_reply, O::timed_out, A::end_tcp};
    case E::probe: return {S::awaiting_close_reply};
    case E::written: return {S::awaiting_close_reply};
  }
  return {S::awaiting_close_reply};
}

// data_after_close: our Close is out and a data frame follows it every interval until the server answers.
constexpr CloseReaction sending_after_close(E event) {
  switch (event) {
    case E::close_frame: return {S::awaiting_server_fin};  // answered: no more data; same deadline (the hold)
    case E::server_ended_tcp: return {S::sending_after_close, O::server_closed_first};
    case E::deadline: return {S::sending_after_close, O::timed_out, A::end_tcp};  // no answer within the hold
    case E::probe: return {S::sending_after_close, {}, A::send_data};
    case E::written: return {S::sending_after_close};
  }
  return {S::sending_after_close};
}

// The close handshake is done (or our FIN is out): the server should close TCP first.
constexpr CloseReaction awaiting_server_fin(E event, const CloseFacts& facts) {
  switch (event) {
    case E::close_frame: return {S::awaiting_server_fin};
    case E::server_ended_tcp: return {S::awaiting_server_fin, O::completed, A::none, TcpCloser::server};
    case E::deadline:
      // Either the server answered our Close but kept TCP open, or it never reacted to our FIN.
      return {S::awaiting_server_fin, facts.close_reply_received ? O::completed : O::server_never_closed, A::end_tcp,
              TcpCloser::client};
    case E::probe: return {S::awaiting_server_fin};
    case E::written: return {S::awaiting_server_fin};
  }
  return {S::awaiting_server_fin};
}

// The server closed (or we failed the connection) and our Close answered it: not one of our patterns.
constexpr CloseReaction answered_server_close(E event) {
  switch (event) {
    case E::close_frame: return {S::answered_server_close};
    case E::server_ended_tcp: return {S::answered_server_close};
    case E::deadline: return {S::answered_server_close, {}, A::end_tcp};
    case E::probe: return {S::answered_server_close};
    case E::written: return {S::answered_server_close};
  }
  return {S::answered_server_close};
}

// close_timeout, stall: nothing is read, so only a probe learns that the server gave up.
constexpr CloseReaction holding_silent(E event) {
  switch (event) {
    case E::close_frame: return {S::holding_silent};  // read with the last bytes before the pause: ignored
    // The server gave up on a quiet peer: that is the answer the pattern waits for. The hold goes on:
    // docs/close-patterns.md has the client end TCP only when it expires.
    case E::server_ended_tcp: return {S::holding_silent, O::completed};
    case E::deadline: return {S::holding_silent, O::server_never_closed, A::reset};  // the hold is over: RST
    case E::probe: return {S::holding_silent, {}, A::probe_tcp};
    case E::written: return {S::holding_silent};
  }
  return {S::holding_silent};
}

// ignore_server_close: the server's Close is recorded and deliberately never answered.
constexpr CloseReaction holding_reading(E event) {
  switch (event) {
    case E::close_frame: return {S::holding_reading};
    case E::server_ended_tcp: return {S::holding_reading, O::completed};  // the server gave up within the hold
    case E::deadline: return {S::holding_reading, O::server_never_closed, A::reset};  // the hold is over: RST
    case E::probe: return {S::holding_reading};
    case E::written: return {S::holding_reading};
  }
  return {S::holding_reading};
}

// server_close: waiting up to the hold for the server to start the close handshake.
constexpr CloseReaction awaiting_server_close(E event) {
  switch (event) {
    case E::close_frame: return {S::awaiting_server_fin, {}, A::answer_close};
    case E::server_ended_tcp: return {S::awaiting_server_close, O::server_closed_first};
    // The server never started the close within the hold: close cleanly ourselves instead.
    case E::deadline: return {S::awaiting_close_reply, O::server_never_closed, A::send_close};
    case E::probe: return {S::awaiting_server_close};
    case E::written: return {S::awaiting_server_close};
  }
  return {S::awaiting_server_close};
}

// fin, rst, close_no_wait, mid_message, handshake_abort: the FIN or RST waits for the queued bytes.
constexpr CloseReaction dropping(E event) {
  switch (event) {
    case E::close_frame: return {S::dropping};
    case E::server_ended_tcp: return {S::dropping, O::completed};
    case E::deadline: return {S::dropping, O::completed, A::reset};  // the peer never acknowledged: reset anyway
    case E::probe: return {S::dropping, {}, A::try_drop};
    case E::written: return {S::dropping, {}, A::try_drop};
  }
  return {S::dropping};
}

}  // namespace close_steps

// The reaction of a connection in `step` to `event`.
constexpr CloseReaction react(CloseStep step, CloseEvent event, const CloseFacts& facts) {
  switch (step) {
    case CloseStep::none: return close_steps::none(event);
    case CloseStep::awaiting_close_reply: return close_steps::awaiting_close_reply(event);
    case CloseStep::sending_after_close: return close_steps::sending_after_close(event);
    case CloseStep::awaiting_server_fin: return close_steps::awaiting_server_fin(event, facts);
    case CloseStep::answered_server_close: return close_steps::answered_server_close(event);
    case CloseStep::holding_silent: return close_steps::holding_silent(event);
    case CloseStep::holding_reading: return close_steps::holding_reading(event);
    case CloseStep::awaiting_server_close: return close_steps::awaiting_server_close(event);
    case CloseStep::dropping: return close_steps::dropping(event);
  }
  return {step};
}

}  // namespace wsl
