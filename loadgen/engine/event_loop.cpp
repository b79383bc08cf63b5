// A worker's readiness loop: epoll over its sockets plus an eventfd that other threads use to wake it.
#include "engine/event_loop.hpp"

#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace wsl {

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

bool EventLoop::init(std::string* error) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0 || !add(wake_fd_, kWakeKey, EPOLLIN)) {
    *error = std::string("cannot create the worker's event loop: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool EventLoop::add(int fd, uint64_t key, uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = key;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EventLoop::modify(int fd, uint64_t key, uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = key;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) == 0;
}

int EventLoop::wait(int64_t timeout_ns, epoll_event* events, int capacity) {
  if (timeout_ns < 0) timeout_ns = 0;
#ifdef SYS_epoll_pwait2
  if (have_pwait2_) {
    // Timers are due to the microsecond; epoll_wait's millisecond timeout would add up to 1 ms to each.
    timespec timeout{time_t(timeout_ns / 1'000'000'000), long(timeout_ns % 1'000'000'000)};
    long n = ::syscall(SYS_epoll_pwait2, epoll_fd_, events, capacity, &timeout, nullptr, 0);
    if (n >= 0) return int(n);
    if (errno != ENOSYS) return 0;  // EINTR: the caller's turn goes on as after a timeout
    have_pwait2_ = false;           // kernels before 5.11
  }
#endif
  // Rounded up, so a timer is never woken for early and then spun on.
  int n = ::epoll_wait(epoll_fd_, events, capacity, int((timeout_ns + 999'999) / 1'000'000));
  return n < 0 ? 0 : n;
}

void EventLoop::wake() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);  // EAGAIN: already awake
}

void EventLoop::clear_wake() {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
}

}  // namespace wsl
