// One WebSocket connection's state, owned by exactly one worker for its whole life.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/close_steps.hpp"
#include "monitor/client_end.hpp"
#include "profile/profile.hpp"
#include "vocabulary/enum_names.hpp"
#include "wire/frame_reader.hpp"
#include "wire/tls_client_session.hpp"
#include "wire/upgrade_response.hpp"

namespace wsl {

struct Connection {
  enum class State : uint8_t {
    connecting,  // TCP connect under way
    upgrading,   // wss:// TLS handshake under way, or upgrade request sent and waiting for 101
    open,        // WebSocket open: messages and pings flow
    closing,     // a close pattern is being carried out (see `close_step`)
    ended,       // nothing more to do; the socket is released at the end of this turn of the loop
    last = ended,
  };

  uint64_t id = 0;
  int fd = -1;                    // -1 once closed (an RST closes it at once, before the release)
  uint32_t watched_events = 0;    // what the event loop waits for on `fd` (EPOLLIN/EPOLLOUT)
  State state = State::connecting;
  CloseStep close_step = CloseStep::none;  // while closing: where the close stands (engine/close_steps.hpp)

  ClientEnd local_end;            // our address and port: the server knows the connection by them
  int64_t intended_open_ns = 0;
  int64_t deadline_ns = 0;        // connect/handshake or close deadline of the current state; 0 = none
  int64_t first_message_ns = 0;   // intended time of message 0; message n is due at first + n * interval
  int64_t next_ping_ns = 0;       // 0 = no pings
  uint64_t messages_sent = 0;
  uint64_t echoes_received = 0;
  int64_t last_message_origin_ns = 0;  // the latest message's latency origin (plan/timer_grid.hpp)
  size_t timer_index = SIZE_MAX;  // its place in the worker's TimerQueue; SIZE_MAX: no timer

  const CloseChoice* close_choice = nullptr;  // set once a close is decided
  const CloseChoice* abort_choice = nullptr;  // handshake_abort: decided at open, carried out on connect
  int64_t intended_close_ns = 0;
  int64_t next_probe_ns = 0;        // held patterns that do not read: when to look at the TCP state again
  bool close_reply_received = false;
  bool outcome_recorded = false;    // the pattern's outcome is counted once, whatever follows
  bool flush_queued = false;        // in the worker's list of sockets to write at the end of this turn
  bool release_queued = false;      // in the worker's list of sockets to close at the end of this turn
  DropBy drop_by = DropBy::fin;     // CloseStep::dropping: how TCP ends
  bool protocol_error_seen = false;  // the server broke the protocol; counted once

  std::unique_ptr<UpgradeResponseParser> upgrade;  // only while upgrading, once the request is sent
  std::unique_ptr<TlsClientSession> tls;           // wss:// only, from TCP connected on: every byte passes it
  FrameReader reader;
  std::string out;  // bytes (ciphertext for wss://) not yet accepted by the socket

  explicit Connection(uint64_t max_message_size) : reader(max_message_size) {}

  // close_timeout, stall: the socket is no longer read (errors and hang-ups are still reported).
  bool reading_paused() const { return close_step == CloseStep::holding_silent; }
};

inline constexpr EnumNames<Connection::State> kConnectionStateNames = {"connecting", "upgrading", "open", "closing",
                                                                      "ended"};
static_assert(names_complete<Connection::State>(kConnectionStateNames));
constexpr const char* to_string(Connection::State s) { return name_in(kConnectionStateNames, s); }

}  // namespace wsl
