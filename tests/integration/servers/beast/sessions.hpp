// Per-connection state of the Boost.Beast echo server, where its leak bugs live, and the account on SIGTERM.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "options.hpp"

namespace wsecho {

struct Session {
  std::uint64_t id = 0;
  bool ended = false;
  std::vector<char> buffer;                          // --leak-bytes: the session buffer
  int log_fd = -1;                                   // --leak-fd: this connection's handle on the server's log
  std::optional<boost::asio::steady_timer> ticker;   // --leak-task: a stats timer re-armed every second
  bool ticking = false;
  std::uint64_t ticks = 0;
};

class Sessions {
 public:
  Sessions(const Options& options, boost::asio::any_io_executor executor);

  // Called once the upgrade succeeded: what a real server sets up per connection.
  std::shared_ptr<Session> open();
  // The read ended with websocket::error::closed: the client's Close arrived and Beast answered it.
  void ended_by_close_handshake(const std::shared_ptr<Session>& session);
  // Any other end (EOF, reset, protocol error, idle timeout): the path real code forgets.
  void ended_abruptly(const std::shared_ptr<Session>& session, bool by_heartbeat);

  // One JSON line, counted from the sessions still held after their connection ended, not from the flags.
  std::string account_json() const;
  void remove_log() const;

 private:
  void release(const std::shared_ptr<Session>& session);
  static void arm_ticker(std::shared_ptr<Session> session);

  const Options& options_;
  boost::asio::any_io_executor executor_;
  std::string skip_release_on_;  // "abrupt", "clean", or empty for the healthy server
  std::string log_path_;         // --leak-fd's handles are on this one file, each connection opening its own
  std::map<std::uint64_t, std::shared_ptr<Session>> live_;  // registered at the upgrade, erased by release()
  std::uint64_t next_id_ = 1;
  unsigned long long connections_ = 0, closed_clean_ = 0, closed_abrupt_ = 0, dropped_by_heartbeat_ = 0;
};

}  // namespace wsecho
