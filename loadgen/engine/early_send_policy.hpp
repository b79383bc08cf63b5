// Whether a worker sends a new connection's upgrade request straight after connect(), before epoll has said
// the connect completed.
#pragma once

#include <cstdint>

namespace wsl {

// To a local address (loopback, or any of the machine's own) the kernel completes the TCP handshake inside
// connect(): the socket is ESTABLISHED when connect() returns EINPROGRESS, and a send() succeeds at once. Sending
// then saves each connection a wake-up and an epoll_ctl. To a remote server the same send() only fails with
// EAGAIN, a syscall wasted: so the worker tries in windows, and after a window where most tries missed it leaves
// the next connections to the usual path (wait for writeable), then tries one window again. Over a real network
// that costs kWindow failed send()s in every kWindow + kBackoff connections: 1 in 16.
class EarlySendPolicy {
 public:
  static constexpr uint32_t kWindow = 64;
  static constexpr uint32_t kBackoff = 1024 - kWindow;

  // Asked once per new connection: whether to try.
  bool should_try() {
    if (skip_ == 0) return true;
    --skip_;
    return false;
  }

  // The outcome of a try: the send went out (true), or the connect was still under way (false).
  void record(bool sent) {
    ++tried_;
    if (sent) ++sent_;
    if (tried_ < kWindow) return;
    if (sent_ * 2 < tried_) skip_ = kBackoff;
    tried_ = 0;
    sent_ = 0;
  }

 private:
  uint32_t tried_ = 0;
  uint32_t sent_ = 0;
  uint32_t skip_ = 0;
};

}  // namespace wsl
