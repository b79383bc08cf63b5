// The connections taken over from libwebsockets after the peer's Close, answered late or never.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace wsl {

// Owned by the server's service thread and ticked from its housekeeping timer.
class HeldCloses {
 public:
  using Clock = std::chrono::steady_clock;

  // reply_delay: when to answer a held Close (slow-close), or nullopt to never answer (no-close-reply).
  explicit HeldCloses(std::optional<std::chrono::milliseconds> reply_delay) : reply_delay_(reply_delay) {}
  ~HeldCloses() { release_all(); }
  HeldCloses(const HeldCloses&) = delete;
  HeldCloses& operator=(const HeldCloses&) = delete;

  // Takes ownership of `fd` (the connection's real socket) and the Close payload the peer sent.
  void hold(int fd, std::string close_payload, Clock::time_point now);

  // Reads and discards what held peers send, notices the ones that left, and sends due replies.
  void tick(Clock::time_point now);

  // Connections still held.
  size_t size() const { return held_.size(); }

  // Closes every held socket (the server is stopping).
  void release_all();

 private:
  struct Held {
    int fd;
    std::string reply;  // our Close frame (slow-close only)
    size_t reply_sent = 0;
    Clock::time_point held_since;
    std::optional<Clock::time_point> replied_at;  // our whole Close frame and our FIN are out
  };

  // Returns false when the connection is done with and its socket closed.
  bool advance(Held& held, Clock::time_point now);
  void write_reply(Held& held, Clock::time_point now);

  std::optional<std::chrono::milliseconds> reply_delay_;
  std::vector<Held> held_;
};

}  // namespace wsl
