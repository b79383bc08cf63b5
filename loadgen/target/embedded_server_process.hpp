// Starts `wsloadgen serve` as a child process on a free loopback port, for profiles without target.url.
#pragma once

#include <string>
#include <sys/types.h>

namespace wsl {

// A separate process rather than a thread, so the monitor sees the server's own fds and memory,
// untouched by the generator's.
class EmbeddedServerProcess {
 public:
  EmbeddedServerProcess() = default;
  ~EmbeddedServerProcess();
  EmbeddedServerProcess(const EmbeddedServerProcess&) = delete;
  EmbeddedServerProcess& operator=(const EmbeddedServerProcess&) = delete;

  // Starts the server and waits (bounded) until it listens. Returns false with *error set on failure.
  bool start(std::string* error);
  // Asks the server to stop, waits for it, and returns the one-line JSON account it prints on exit
  // (empty if it printed none).
  std::string stop();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  std::string pending_output_;
};

}  // namespace wsl
