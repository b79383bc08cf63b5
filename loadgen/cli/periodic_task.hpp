// Calls a function every interval on its own thread until stopped: the load recorder and the Pushgateway pusher.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "profile/profile.hpp"

namespace wsl {

class PeriodicTask {
 public:
  // The first call comes one interval after construction.
  PeriodicTask(Duration interval, std::function<void()> task) : interval_(interval), task_(std::move(task)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~PeriodicTask() { stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Returns once the thread has finished (a call in progress completes first).
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    auto next = std::chrono::steady_clock::now() + interval_;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
      lock.unlock();
      task_();
      lock.lock();
      // Paced from the schedule, not from when the call returned, so the series keeps its spacing;
      // a call that overran skips the slots it missed instead of bursting to catch up.
      next = std::max(next + interval_, std::chrono::steady_clock::now());
    }
  }

  const Duration interval_;
  std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wsl
