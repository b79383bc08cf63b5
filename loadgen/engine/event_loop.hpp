// A worker's readiness loop: epoll over its sockets plus an eventfd that other threads use to wake it.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <string>

namespace wsl {

// Why epoll and not a poll() loop (lws' default, used before): a poll() call scans every open socket,
// so with thousands of held connections each of the ~7 wake-ups of a connection's life cost
// O(open sockets); an epoll wait costs O(ready sockets). The loop only reports readiness; the worker
// decides what to do.
class EventLoop {
 public:
  // A socket is registered under its connection's id, never a pointer: ids are not reused within a run,
  // so an event for a connection released earlier in the same batch is found missing, not dangling.
  static constexpr uint64_t kWakeKey = UINT64_MAX;

  EventLoop() = default;
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool init(std::string* error);

  // Registers `fd` (add) or changes what it waits for (modify); `events` is a mask of EPOLLIN/EPOLLOUT.
  // Closing a socket unregisters it, so there is no remove.
  bool add(int fd, uint64_t key, uint32_t events);
  bool modify(int fd, uint64_t key, uint32_t events);

  // Waits until a socket is ready, wake() is called or `timeout_ns` passes (sub-millisecond where
  // the kernel has epoll_pwait2). Returns the number of entries filled in `events` (0 on timeout).
  int wait(int64_t timeout_ns, epoll_event* events, int capacity);

  // Thread-safe: makes the current or next wait() return, with an event keyed kWakeKey.
  void wake();
  // Loop thread: consumes the wake-up so the next wait() blocks again.
  void clear_wake();

 private:
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  bool have_pwait2_ = true;
};

}  // namespace wsl
