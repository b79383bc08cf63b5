// Decides what to do next with a connection whose Close the server answers late or never.
#pragma once

#include <chrono>
#include <optional>

namespace wsl {

// How long a held connection waits, after our Close reply and FIN, for the peer's FIN before the
// server closes the socket anyway.
constexpr std::chrono::milliseconds kHeldCloseLinger{2000};

enum class HeldCloseStep {
  wait,        // nothing to do yet
  send_reply,  // write (the rest of) our Close reply, then our FIN
  release,     // close the socket: the peer is gone or has had its time
};

// What a held connection looks like at one tick.
struct HeldCloseView {
  std::optional<std::chrono::milliseconds> reply_delay;  // nullopt: never reply (no-close-reply)
  std::chrono::milliseconds held_for{0};                 // since the peer's Close arrived
  std::optional<std::chrono::milliseconds> since_reply;  // since our reply and FIN went out, if they did
  bool peer_gone = false;                                // the peer's FIN, an RST or a socket error seen
};

// Pure: the peer leaving always wins; otherwise reply once the delay is up, then release after the
// linger. Without a delay the connection is held until the peer leaves.
HeldCloseStep next_held_close_step(const HeldCloseView& view);

}  // namespace wsl
