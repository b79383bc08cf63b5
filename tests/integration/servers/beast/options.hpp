// The echo servers' shared command line (../README.md), parsed for the Boost.Beast server.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace wsecho {

struct Options {
  unsigned short port = 0;
  std::chrono::milliseconds heartbeat{5000};  // zero: never ping
  std::size_t leak_bytes = 0;
  bool leak_fd = false;
  bool leak_task = false;
  std::string leak_on = "abrupt";
  bool verbose = false;
  // Beast only: how long a plain HTTP connection (GET /metrics) is kept open after the response, whatever the
  // client does.
  std::chrono::milliseconds metrics_linger{0};

  // The bugs only exist while a leak flag is on: the healthy server releases on both ends.
  bool leaking() const { return leak_bytes > 0 || leak_fd || leak_task; }
};

// Exits with status 2 and a usage line on stderr when the arguments are wrong.
Options parse_options(int argc, char** argv);

}  // namespace wsecho
