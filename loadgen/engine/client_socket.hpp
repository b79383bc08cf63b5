// Opening the generator's TCP connections: a non-blocking connect from a chosen source address.
#pragma once

#include "target/socket_address.hpp"

namespace wsl {

// Starts a non-blocking connect to `target`, bound to `source` (port 0) when given. Returns the
// socket, or -1 with `*error_number` set when the attempt failed at once (no fd, no local port, ...).
// The connect completes later: the socket becomes writeable, and connect_result() tells how it went.
int start_connect(const SocketAddress& target, const SocketAddress* source, int* error_number);

// After a connecting socket became writeable: 0 once connected, else the errno it failed with.
int connect_result(int fd);

}  // namespace wsl
