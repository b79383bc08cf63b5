// The TCP-level actions and observations of close patterns, done on the socket itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include "monitor/client_end.hpp"

namespace wsl {

// Sends FIN now (half-close); reading stays possible so the server's reaction can be observed.
void send_fin(int fd);

// Ends the connection with an RST now (SO_LINGER 0, then close) and closes `fd`: an RST must not
// follow a FIN, so the socket is never shut down first.
void send_rst(int fd);

// Small frames go out at once: a pattern's last frame must be on the wire before its FIN or RST,
// not held back by Nagle's algorithm.
void disable_nagle(int fd);

// Bytes written but not yet acknowledged by the peer. An RST discards them, so a pattern that
// resets after writing waits for this to reach 0 first.
size_t unacknowledged_bytes(int fd);

// The socket's own address and port (port 0 when unknown): the server's socket names them as its peer.
ClientEnd local_end_of(int fd);

// How the peer has ended the connection, read from the kernel without reading the socket: held
// patterns that stop reading still learn whether and when the server gave up.
enum class PeerEnd { none, fin, reset };
PeerEnd peer_end(int fd);

}  // namespace wsl
