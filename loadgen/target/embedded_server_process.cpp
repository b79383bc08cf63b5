// Starts `wsloadgen serve` as a child process on a free loopback port, for profiles without target.url.
#include "target/embedded_server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <regex>

namespace wsl {
namespace {

constexpr int kStartTimeoutMs = 10'000;
constexpr int kStopTimeoutMs = 10'000;

// Reads what is available from `fd` into `buffer` until a newline arrives or the deadline passes.
bool read_line(int fd, std::string& buffer, std::string& line, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    auto nl = buffer.find('\n');
    if (nl != std::string::npos) {
      line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, int(left.count())) <= 0) continue;
    char chunk[4096];
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, size_t(n));
  }
}

}  // namespace

EmbeddedServerProcess::~EmbeddedServerProcess() { stop(); }

std::string EmbeddedServerProcess::url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }

bool EmbeddedServerProcess::start(std::string* error) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    *error = "cannot start the embedded server: pipe failed";
    return false;
  }
  pid_ = ::fork();
  if (pid_ < 0) {
    *error = "cannot start the embedded server: fork failed";
    return false;
  }
  if (pid_ == 0) {
    // Own process group: a Ctrl-C meant for the generator must not stop the server mid-drain.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);  // the generator blocks signals for its signal thread
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    const char* argv[] = {"wsloadgen", "serve", "--port", "0", nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  std::string line;
  if (!read_line(stdout_fd_, pending_output_, line, kStartTimeoutMs)) {
    *error = "the embedded server did not start listening within 10 s";
    stop();
    return false;
  }
  std::smatch m;
  static const std::regex listening(R"(listening on ws://[^:]+:(\d+)/)");
  if (!std::regex_search(line, m, listening)) {
    *error = "unexpected output from the embedded server: " + line;
    stop();
    return false;
  }
  port_ = std::stoi(m[1]);
  return true;
}

std::optional<std::string> EmbeddedServerProcess::how_it_ended() {
  if (pid_ > 0 && !ended_) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      ended_ = true;
      if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        const char* name = ::sigabbrev_np(signal);
        ending_ = "killed by signal " + std::to_string(signal) + (name ? std::string(" (SIG") + name + ")" : "");
      } else {
        ending_ = "exited with status " + std::to_string(WEXITSTATUS(status));
      }
    }
  }
  if (!ended_) return std::nullopt;
  return ending_;
}

std::string EmbeddedServerProcess::stop() {
  std::string account;
  if (pid_ > 0 && ended_) pid_ = -1;  // already reaped: its pid may belong to another process by now
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    std::string line;
    while (read_line(stdout_fd_, pending_output_, line, kStopTimeoutMs)) {
      if (!line.empty() && line.front() == '{') account = line;
    }
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 200 && !reaped; ++i) {  // up to 2 s after its output ended
      reaped = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped) ::usleep(10'000);
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
  return account;
}

}  // namespace wsl
