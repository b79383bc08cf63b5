// The Boost.Beast echo server's per-connection resources, the two release paths, and the account.
#include "sessions.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

namespace wsecho {

Sessions::Sessions(const Options& options, boost::asio::any_io_executor executor)
    : options_(options),
      executor_(std::move(executor)),
      skip_release_on_(options.leaking() ? options.leak_on : ""),
      log_path_((std::filesystem::temp_directory_path() /
                 ("wsecho-boost-beast-" + std::to_string(getpid()) + ".log")).string()) {}

std::shared_ptr<Session> Sessions::open() {
  auto session = std::make_shared<Session>();
  session->id = next_id_++;
  ++connections_;
  // Filled rather than zeroed, so every page is written and counts in RSS.
  if (options_.leak_bytes > 0) session->buffer.assign(options_.leak_bytes, static_cast<char>(0xa5));
  if (options_.leak_fd) {
    session->log_fd = ::open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (session->log_fd >= 0) {
      std::string line = "connection " + std::to_string(session->id) + " opened\n";
      [[maybe_unused]] auto written = ::write(session->log_fd, line.data(), line.size());
    }
  }
  if (options_.leak_task) {
    session->ticker.emplace(executor_);
    session->ticking = true;
    arm_ticker(session);
  }
  live_.emplace(session->id, session);
  return session;
}

// Each wait's handler owns the session and re-arms the timer, so only release()'s cancel() ends the chain.
void Sessions::arm_ticker(std::shared_ptr<Session> session) {
  session->ticker->expires_after(std::chrono::seconds(1));
  session->ticker->async_wait([session](const boost::system::error_code& ec) {
    if (ec || !session->ticking) return;
    ++session->ticks;
    arm_ticker(session);
  });
}

void Sessions::ended_by_close_handshake(const std::shared_ptr<Session>& session) {
  session->ended = true;
  ++closed_clean_;
  if (skip_release_on_ != "clean") release(session);
}

void Sessions::ended_abruptly(const std::shared_ptr<Session>& session, bool by_heartbeat) {
  session->ended = true;
  ++closed_abrupt_;
  if (by_heartbeat) ++dropped_by_heartbeat_;
  if (skip_release_on_ != "abrupt") release(session);
}

void Sessions::release(const std::shared_ptr<Session>& session) {
  if (session->ticking) {
    session->ticking = false;
    session->ticker->cancel();
  }
  if (session->log_fd >= 0) {
    ::close(session->log_fd);
    session->log_fd = -1;
  }
  std::vector<char>().swap(session->buffer);
  live_.erase(session->id);
}

std::string Sessions::account_json() const {
  unsigned long long leaked_bytes = 0, leaked_fds = 0, leaked_tasks = 0;
  for (const auto& [id, session] : live_) {
    if (!session->ended) continue;
    leaked_bytes += session->buffer.size();
    if (session->log_fd >= 0) ++leaked_fds;
    if (session->ticking) ++leaked_tasks;
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"runtime\": \"boost-beast\", \"connections\": %llu, \"closed_clean\": %llu, "
                "\"closed_abrupt\": %llu, \"open\": %llu, \"leaked_bytes\": %llu, \"leaked_fds\": %llu, "
                "\"leaked_tasks\": %llu, \"dropped_by_heartbeat\": %llu}",
                connections_, closed_clean_, closed_abrupt_, connections_ - closed_clean_ - closed_abrupt_,
                leaked_bytes, leaked_fds, leaked_tasks, dropped_by_heartbeat_);
  return line;
}

void Sessions::remove_log() const {
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

}  // namespace wsecho
