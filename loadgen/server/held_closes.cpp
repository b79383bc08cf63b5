// Drives the held connections' sockets: drain, detect the peer leaving, late Close reply, FIN, close.
#include "server/held_closes.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "server/held_close_step.hpp"
#include "server/server_close_frame.hpp"

namespace wsl {
namespace {

constexpr size_t kDrainChunkBytes = 4096;
constexpr int kMaxDrainReadsPerTick = 16;  // a peer that keeps sending cannot stall the server

std::chrono::milliseconds since(HeldCloses::Clock::time_point then, HeldCloses::Clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - then);
}

// Reads and discards what the peer sent (a server that ignores a Close still reads); true once the
// peer's FIN, an RST or another socket error shows it has left.
bool peer_has_left(int fd) {
  char discard[kDrainChunkBytes];
  for (int reads = 0; reads < kMaxDrainReadsPerTick; ++reads) {
    ssize_t n = recv(fd, discard, sizeof(discard), MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return true;
    if (errno == EINTR) continue;
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }
  return false;
}

}  // namespace

void HeldCloses::hold(int fd, std::string close_payload, Clock::time_point now) {
  Held held{fd, {}, 0, now, std::nullopt};
  if (reply_delay_) held.reply = server_close_frame(close_payload);
  held_.push_back(std::move(held));
}

void HeldCloses::tick(Clock::time_point now) {
  size_t kept = 0;
  for (size_t i = 0; i < held_.size(); ++i) {
    if (!advance(held_[i], now)) continue;
    if (kept != i) held_[kept] = std::move(held_[i]);
    ++kept;
  }
  held_.resize(kept);
}

void HeldCloses::release_all() {
  for (const Held& held : held_) close(held.fd);
  held_.clear();
}

bool HeldCloses::advance(Held& held, Clock::time_point now) {
  HeldCloseView view;
  view.reply_delay = reply_delay_;
  view.held_for = since(held.held_since, now);
  if (held.replied_at) view.since_reply = since(*held.replied_at, now);
  view.peer_gone = peer_has_left(held.fd);
  switch (next_held_close_step(view)) {
    case HeldCloseStep::wait:
      return true;
    case HeldCloseStep::send_reply:
      write_reply(held, now);
      return true;
    case HeldCloseStep::release:
      close(held.fd);
      return false;
  }
  return true;
}

// Writes what the socket buffer takes (a peer that stopped reading may leave it full), and sends
// our FIN right after the last byte: the server closes TCP first (RFC 6455 §7.1.1).
void HeldCloses::write_reply(Held& held, Clock::time_point now) {
  while (held.reply_sent < held.reply.size()) {
    ssize_t n = send(held.fd, held.reply.data() + held.reply_sent, held.reply.size() - held.reply_sent,
                     MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      held.reply_sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // Full buffer: retry next tick. A broken socket shows up as the peer leaving next tick.
    return;
  }
  shutdown(held.fd, SHUT_WR);
  held.replied_at = now;
}

}  // namespace wsl
