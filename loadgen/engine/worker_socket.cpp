// A worker's sockets: what their readiness means, writing what is queued, and closing them at the end of a turn.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "engine/connect_error_reason.hpp"
#include "engine/worker.hpp"

namespace wsl {
namespace {

// A socket is read unless a held pattern paused it (errors and hang-ups are reported regardless).
uint32_t read_interest(const Connection& conn) { return conn.reading_paused() ? 0u : uint32_t(EPOLLIN); }

}  // namespace

void Worker::on_socket_event(Connection& conn, uint32_t events) {
  if (conn.release_queued || conn.fd < 0) return;
  if (conn.state == Connection::State::connecting) {
    on_connect_done(conn, events);
    return;
  }
  // Readable, or the peer ended or reset the connection: a read tells which. A paused socket is only
  // reported when it is broken (the server reset it), and then the read ends it.
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_socket(conn);
  if (!conn.release_queued && (events & EPOLLOUT)) flush(conn);
}

void Worker::on_connect_done(Connection& conn, uint32_t events) {
  // Writeable without an error is connected; only a failure needs the syscall that says why.
  const int error = (events & (EPOLLERR | EPOLLHUP)) ? connect_result(conn.fd) : 0;
  if (error != 0) {
    on_connect_error(conn, error);
    return;
  }
  if (on_connected(conn) == Handled::close_socket) release_later(conn);
}

void Worker::on_connect_error(Connection& conn, int error_number) {
  record_connect_error(conn, std::string(connect_error_reason(error_number)));
  release_later(conn);
}

void Worker::read_socket(Connection& conn) {
  const ssize_t n = ::recv(conn.fd, read_buffer_.data(), read_buffer_.size(), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    // The server ended TCP (0: FIN; below 0: RST or another error): nothing more will come.
    release_later(conn);
    return;
  }
  if (conn.reading_paused()) return;  // broken with bytes still queued: read on until the error surfaces
  if (on_receive(conn, read_buffer_.data(), size_t(n)) == Handled::close_socket) release_later(conn);
}

void Worker::watch(Connection& conn, uint32_t events) {
  if (conn.fd < 0 || events == conn.watched_events) return;
  conn.watched_events = events;
  loop_.modify(conn.fd, conn.id, events);
}

void Worker::request_flush(Connection& conn) {
  // Writes wait for the end of the turn, so frames queued together leave in one send().
  if (conn.flush_queued || conn.fd < 0 || conn.state == Connection::State::connecting) return;
  conn.flush_queued = true;
  flush_queue_.push_back(conn.id);
}

void Worker::flush(Connection& conn) {
  conn.flush_queued = false;
  if (conn.fd < 0 || conn.release_queued) return;
  while (!conn.out.empty()) {
    const ssize_t n = ::send(conn.fd, conn.out.data(), conn.out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      watch(conn, read_interest(conn) | EPOLLOUT);  // the rest when the socket has room
      return;
    }
    if (n < 0) {
      release_later(conn);  // the peer reset the connection: it is judged as ended by the server
      return;
    }
    stats_.bytes_sent += uint64_t(n);
    conn.out.erase(0, size_t(n));
  }
  // A connection that sends messages keeps its buffer, so steady messaging allocates nothing; one that only
  // idles (or answers the odd ping) gives back the upgrade request's buffer, a few hundred bytes each.
  if (profile_.session.messages.interval == Duration::zero()) std::string().swap(conn.out);
  watch(conn, read_interest(conn));
  after_write(conn);
}

void Worker::release_later(Connection& conn) {
  if (conn.release_queued) return;
  conn.release_queued = true;
  release_queue_.push_back(conn.id);
}

void Worker::finish_turn() {
  // Flushing can end a drop (RST) and so queue a release; a release never queues a flush.
  for (size_t i = 0; i < flush_queue_.size(); ++i) {
    auto it = connections_.find(flush_queue_[i]);
    if (it != connections_.end()) flush(*it->second);
  }
  flush_queue_.clear();
  for (uint64_t id : release_queue_) {
    auto it = connections_.find(id);
    if (it != connections_.end()) release(*it->second);
  }
  release_queue_.clear();
}

void Worker::release(Connection& conn) {
  if (conn.fd >= 0) {
    // A plain close sends FIN (unless one went already, or an RST did: then the fd is -1).
    ::close(conn.fd);
    conn.fd = -1;
  }
  on_socket_closed(conn);  // erases the connection
}

}  // namespace wsl
