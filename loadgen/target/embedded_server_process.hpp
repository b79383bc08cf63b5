// Starts `wsloadgen serve` as a child process on a free loopback port, for profiles without target.url.
#pragma once

#include <optional>
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

  // How the server ended, if it already has ("killed by signal 9 (SIGKILL)", "exited with status 1"); nullopt
  // while it runs. The process is reaped here, so stop() then has nothing left to stop.
  std::optional<std::string> how_it_ended();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  std::string pending_output_;
  bool ended_ = false;  // reaped by how_it_ended()
  std::string ending_;
};

}  // namespace wsl
