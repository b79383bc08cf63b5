// Turns SIGINT/SIGTERM into calls on a dedicated thread, so the rest of the program never runs in a signal handler.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace wsl {

class SignalWatcher {
 public:
  // Blocks SIGINT and SIGTERM for the calling thread (and the threads it creates afterwards: construct
  // this before starting workers) and ignores SIGPIPE. `on_signal` receives how many signals came so far.
  explicit SignalWatcher(std::function<void(int count)> on_signal);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  int count() const { return count_.load(); }

 private:
  std::function<void(int)> on_signal_;
  std::atomic<bool> done_{false};
  std::atomic<int> count_{0};
  std::thread thread_;
};

}  // namespace wsl
