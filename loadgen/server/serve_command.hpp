// `wsloadgen serve`: runs the reference echo server as a process of its own.
#pragma once

#include "server/echo_server.hpp"

namespace wsl {

// Prints `wsloadgen serve: listening on ws://HOST:PORT/` once listening, serves until SIGINT or
// SIGTERM, then prints the server's counters as one JSON line. Returns the process exit code
// (0, 2 for a bad --fault, 3 when it cannot listen).
int run_serve_command(const ServeOptions& options);

}  // namespace wsl
