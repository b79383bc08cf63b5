// Prints the progress line once a second on its own thread: rewritten in place on a terminal, one line per
// second otherwise (for logs), or not at all.
#include "cli/progress_reporter.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

namespace wsl {

ProgressReporter::ProgressReporter(Command::Progress mode, std::function<std::string()> line) : line_(std::move(line)) {
  // Progress goes to stderr so that stdout carries only the summary, for people and scripts alike.
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  enabled_ = mode != Command::Progress::off;
  live_ = mode == Command::Progress::auto_detect && terminal;
  if (enabled_) thread_ = std::thread([this] { loop(); });
}

ProgressReporter::~ProgressReporter() { stop(); }

void ProgressReporter::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (printed_live_) std::cerr << "\n" << std::flush;
}

void ProgressReporter::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    std::string text = line_();
    if (live_) {
      // A line longer than the terminal would wrap, and only its last row would be rewritten.
      winsize size{};
      if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 && text.size() >= size.ws_col)
        text.resize(size.ws_col - 1);
      std::cerr << "\r\033[K" << text << std::flush;  // rewrite the line in place
      printed_live_ = true;
    } else {
      std::cerr << text << "\n" << std::flush;
    }
  }
}

}  // namespace wsl
