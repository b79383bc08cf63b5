// Per-connection echo: reassembles messages, queues their echoes, writes them when writable, counts.
#include "server/echo_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "server/echo_server_state.hpp"
#include "server/socket_takeover.hpp"
#include "server/subprotocol_choice.hpp"

namespace wsl {
namespace {

constexpr size_t kMaxMessageBytes = 16u << 20;      // larger messages are refused with 1009
constexpr size_t kWriteChunkBytes = 64u << 10;      // one frame per writable callback keeps sends short
constexpr size_t kPauseReadingAboveBytes = 32u << 20;  // a peer that does not read its echoes...
constexpr size_t kResumeReadingBelowBytes = 4u << 20;  // ...is not read from until it catches up
constexpr size_t kCompactAfterEchoes = 64;
constexpr size_t kLeakPerAbortBytes = 64u << 10;

// One message waiting to be echoed; `frame` keeps LWS_PRE spare bytes in front of the payload
// because lws_write() builds the frame header in place there.
struct PendingEcho {
  std::string frame;
  bool binary = false;
  size_t sent = 0;  // payload bytes already written

  size_t payload_size() const { return frame.size() - LWS_PRE; }
};

class EchoSession {
 public:
  // Adds one received piece; returns false when the message grows past the size limit.
  bool on_receive(struct lws* wsi, const void* data, size_t len, ServerCounters& counters) {
    if (lws_is_first_fragment(wsi)) {
      assembling_.assign(LWS_PRE, '\0');
      assembling_binary_ = lws_frame_is_binary(wsi);
    }
    if (assembling_.size() - LWS_PRE + len > kMaxMessageBytes) return false;
    assembling_.append(static_cast<const char*>(data), len);
    if (!lws_is_final_fragment(wsi)) return true;

    counters.messages_received++;
    counters.bytes_received += assembling_.size() - LWS_PRE;
    queued_bytes_ += assembling_.size() - LWS_PRE;
    queue_.push_back(PendingEcho{std::move(assembling_), assembling_binary_, 0});
    assembling_.clear();
    if (queued_bytes_ > kPauseReadingAboveBytes && !reading_paused_) {
      reading_paused_ = true;
      lws_rx_flow_control(wsi, 0);
    }
    lws_callback_on_writable(wsi);
    return true;
  }

  // Writes at most one frame of the oldest pending echo; returns -1 to drop the connection.
  int on_writable(struct lws* wsi) {
    if (peer_sent_close || next_ == queue_.size()) return 0;
    PendingEcho& echo = queue_[next_];
    size_t remaining = echo.payload_size() - echo.sent;
    size_t chunk = remaining < kWriteChunkBytes ? remaining : kWriteChunkBytes;
    int flags = echo.sent == 0 ? (echo.binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT)
                               : LWS_WRITE_CONTINUATION;
    if (chunk < remaining) flags |= LWS_WRITE_NO_FIN;
    auto* start = reinterpret_cast<unsigned char*>(echo.frame.data()) + LWS_PRE + echo.sent;
    int written = lws_write(wsi, start, chunk, static_cast<enum lws_write_protocol>(flags));
    if (written < static_cast<int>(chunk)) return -1;
    echo.sent += chunk;
    if (echo.sent == echo.payload_size()) {
      queued_bytes_ -= echo.payload_size();
      echo.frame = std::string();
      if (++next_ == queue_.size()) {
        queue_.clear();  // keeps its capacity: usually a single slot, reused for every echo
        next_ = 0;
      } else if (next_ >= kCompactAfterEchoes) {
        // A peer that never lets the queue drain must not grow it with spent slots.
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(next_));
        next_ = 0;
      }
    }
    if (reading_paused_ && queued_bytes_ < kResumeReadingBelowBytes) {
      reading_paused_ = false;
      lws_rx_flow_control(wsi, 1);
    }
    if (next_ < queue_.size()) lws_callback_on_writable(wsi);
    return 0;
  }

  bool peer_sent_close = false;

 private:
  std::string assembling_;
  bool assembling_binary_ = false;
  // Echoes in arrival order, the next one to write at queue_[next_]; a vector rather than a deque
  // because libstdc++'s deque allocates half a kilobyte up front, per idle connection.
  std::vector<PendingEcho> queue_;
  size_t next_ = 0;
  size_t queued_bytes_ = 0;
  bool reading_paused_ = false;
};

// What lws stores per connection: just the owner pointer, so the session can be a real C++ object.
struct SessionSlot {
  EchoSession* session;
};

EchoServerState& server_state(struct lws* wsi) {
  return *static_cast<EchoServerState*>(lws_context_user(lws_get_context(wsi)));
}

// Renames our protocol entry to the client's first offer so lws's name match accepts it.
void adopt_offered_subprotocol(struct lws* wsi, EchoServerState& state) {
  char header[256];
  if (lws_hdr_copy(wsi, header, sizeof(header), WSI_TOKEN_PROTOCOL) <= 0) return;
  std::string name = first_offered_subprotocol(header);
  if (name.empty() || name.size() >= state.protocol_name.size()) return;
  std::memcpy(state.protocol_name.data(), name.c_str(), name.size() + 1);
}

void record_peer_close(const void* in, size_t len, ServerCounters& counters) {
  int code = 1005;  // RFC 6455 §7.1.5: a Close without a code counts as "no status received"
  if (len >= 2) {
    const auto* bytes = static_cast<const unsigned char*>(in);
    code = (bytes[0] << 8) | bytes[1];
  }
  counters.close_codes[code]++;
}

// leak-on-abort: keep a duplicate of the socket (so the kernel cannot free it) and some memory.
void leak_aborted_connection(struct lws* wsi, EchoServerState& state) {
  int fd = lws_get_socket_fd(wsi);
  if (fd >= 0) {
    int kept = dup(fd);
    if (kept >= 0) state.leaked_fds.push_back(kept);
  }
  auto block = std::make_unique<char[]>(kLeakPerAbortBytes);
  std::memset(block.get(), 0x5a, kLeakPerAbortBytes);  // touch it so it shows up in RSS
  state.leaked_memory.push_back(std::move(block));
}

// leak-memory=SIZE: a server that leaks only memory, however cleanly its connections end (a positive
// control for the RSS trend across cycles).
void leak_memory(uint64_t bytes, EchoServerState& state) {
  auto block = std::make_unique<char[]>(bytes);
  std::memset(block.get(), 0x5a, bytes);  // touch it so it shows up in RSS
  state.leaked_memory.push_back(std::move(block));
}

// no-close-reply and slow-close: lws 4.1 answers a Close itself as soon as our callback returns 0,
// so the server takes the socket away from lws and answers late or never. True when it did, and
// the callback must then return non-zero so lws forgets the connection.
bool hold_close_if_faulty(struct lws* wsi, const void* in, size_t len, EchoServerState& state) {
  if (!state.faults.no_close_reply && !state.faults.slow_close) return false;
  int real = take_socket_from_lws(wsi);
  if (real < 0) return false;  // out of descriptors: answer normally rather than fail the connection
  state.held_closes.hold(real, std::string(static_cast<const char*>(in), len),
                         HeldCloses::Clock::now());
  if (state.faults.no_close_reply) {
    state.counters.close_replies_withheld++;
  } else {
    state.counters.close_replies_delayed++;
  }
  return true;
}

}  // namespace

size_t echo_session_storage_size() { return sizeof(SessionSlot); }

// lws has over a hundred callback reasons and adds more in new releases; the echo protocol handles a few and hands
// the rest to lws' default, so -Wswitch-enum (meant for our own closed sets) is off for this one switch.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wswitch-enum"
int echo_protocol_callback(struct lws* wsi, enum lws_callback_reasons reason, void* user, void* in,
                           size_t len) {
  auto* slot = static_cast<SessionSlot*>(user);
  switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
      EchoServerState& state = server_state(wsi);
      // max-connections: a server at its limit answers 503 instead of upgrading (lws then ends the transaction).
      if (state.faults.max_connections && state.counters.open_connections >= *state.faults.max_connections) {
        state.counters.upgrades_refused++;
        return lws_return_http_status(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "at max-connections") ? -1 : 1;
      }
      adopt_offered_subprotocol(wsi, state);
      return 0;
    }
    case LWS_CALLBACK_ESTABLISHED: {
      slot->session = new EchoSession();
      auto& counters = server_state(wsi).counters;
      counters.handshakes++;
      counters.open_connections++;
      counters.peak_open_connections = std::max(counters.peak_open_connections, counters.open_connections);
      if (auto bytes = server_state(wsi).faults.leak_memory) leak_memory(*bytes, server_state(wsi));
      return 0;
    }
    case LWS_CALLBACK_RECEIVE:
      if (!slot->session->on_receive(wsi, in, len, server_state(wsi).counters)) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, nullptr, 0);
        return -1;
      }
      return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
      return slot->session->on_writable(wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      slot->session->peer_sent_close = true;
      record_peer_close(in, len, server_state(wsi).counters);
      if (hold_close_if_faulty(wsi, in, len, server_state(wsi))) return -1;
      return 0;  // lws then echoes the Close (same code and reason) and closes TCP
    case LWS_CALLBACK_CLOSED: {
      auto& state = server_state(wsi);
      if (!slot->session) return 0;
      if (!slot->session->peer_sent_close) {
        state.counters.closed_without_close_frame++;
        if (state.faults.leak_on_abort) leak_aborted_connection(wsi, state);
      }
      state.counters.open_connections--;
      state.memory_to_return = true;
      delete slot->session;
      slot->session = nullptr;
      return 0;
    }
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}
#pragma GCC diagnostic pop

}  // namespace wsl
