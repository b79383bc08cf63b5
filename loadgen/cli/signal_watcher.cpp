// Turns SIGINT/SIGTERM into calls on a dedicated thread, so the rest of the program never runs in a signal handler.
#include "cli/signal_watcher.hpp"

#include <signal.h>
#include <time.h>

namespace wsl {

SignalWatcher::SignalWatcher(std::function<void(int count)> on_signal) : on_signal_(std::move(on_signal)) {
  ::signal(SIGPIPE, SIG_IGN);  // a peer that resets a socket must never kill the generator
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this, set] {
    const timespec poll_interval{0, 100'000'000};
    while (!done_.load()) {
      if (::sigtimedwait(&set, nullptr, &poll_interval) > 0) on_signal_(++count_);
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_ = true;
  thread_.join();
}

}  // namespace wsl
