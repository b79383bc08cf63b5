// Prints the progress line once a second on its own thread: rewritten in place on a terminal, one line per
// second otherwise (for logs), or not at all.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "cli/command_line.hpp"

namespace wsl {

class ProgressReporter {
 public:
  // `line` is called once a second on the reporter's thread; it returns the line to print.
  ProgressReporter(Command::Progress mode, std::function<std::string()> line);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Stops printing (and ends a live line with a newline) before the summary is printed.
  void stop();

 private:
  void loop();

  std::function<std::string()> line_;
  bool live_ = false;
  bool enabled_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool printed_live_ = false;
  std::thread thread_;
};

}  // namespace wsl
