// Fetches a server's /metrics page with one plain blocking HTTP/1.1 GET (no TLS, no library), within a deadline.
#include "monitor/metrics_scrape.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "monitor/http_response.hpp"

namespace wsl {
namespace {

using Clock = std::chrono::steady_clock;

// Closes the socket however the scrape ends.
struct SocketHandle {
  int fd = -1;
  ~SocketHandle() {
    if (fd >= 0) ::close(fd);
  }
};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd; false on timeout or poll failure.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

// Connects to the first address that answers; the error of the last attempt otherwise.
bool connect_to(const HttpUrl& url, Clock::time_point deadline, SocketHandle& socket, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  std::string port = std::to_string(url.port);
  if (int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &addresses); rc != 0) {
    error = "cannot resolve " + url.host + ": " + ::gai_strerror(rc);
    return false;
  }
  error = "no address for " + url.host;
  for (addrinfo* address = addresses; address; address = address->ai_next) {
    SocketHandle attempt;
    attempt.fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (attempt.fd < 0) continue;
    int result = ::connect(attempt.fd, address->ai_addr, address->ai_addrlen);
    if (result != 0 && errno != EINPROGRESS) {
      error = "connect to " + url.host_header() + ": " + std::strerror(errno);
      continue;
    }
    if (result != 0) {
      if (!wait_for(attempt.fd, POLLOUT, deadline)) {
        error = "connect to " + url.host_header() + ": timed out";
        break;
      }
      int socket_error = 0;
      socklen_t size = sizeof socket_error;
      ::getsockopt(attempt.fd, SOL_SOCKET, SO_ERROR, &socket_error, &size);
      if (socket_error != 0) {
        error = "connect to " + url.host_header() + ": " + std::strerror(socket_error);
        continue;
      }
    }
    std::swap(socket.fd, attempt.fd);
    break;
  }
  ::freeaddrinfo(addresses);
  return socket.fd >= 0;
}

bool send_all(int fd, std::string_view data, Clock::time_point deadline, std::string& error) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd, POLLOUT, deadline)) {
        error = "sending the request timed out";
        return false;
      }
    } else {
      error = std::string("sending the request: ") + std::strerror(errno);
      return false;
    }
  }
  return true;
}

ScrapeResult failure(std::string error, int status = 0) {
  ScrapeResult result;
  result.error = std::move(error);
  result.status = status;
  return result;
}

// Our end of a connected socket, as the server's socket for it names its peer.
std::optional<ClientEnd> local_end_of(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return std::nullopt;
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    return ClientEnd{make_ip_address(AF_INET, &v4.sin_addr), ntohs(v4.sin_port)};
  }
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    return ClientEnd{make_ip_address(AF_INET6, &v6.sin6_addr), ntohs(v6.sin6_port)};
  }
  return std::nullopt;
}

// The request and its response over a connected socket.
ScrapeResult exchange(int fd, const HttpUrl& url, std::string_view url_text, Clock::time_point deadline,
                      std::chrono::milliseconds timeout) {
  std::string error;
  // Connection: close so a server that ignores framing still ends the body by closing.
  std::string request = "GET " + url.path + " HTTP/1.1\r\nHost: " + url.host_header() +
                        "\r\nUser-Agent: wsloadgen\r\nAccept: text/plain;version=0.0.4\r\n"
                        "Accept-Encoding: identity\r\nConnection: close\r\n\r\n";
  if (!send_all(fd, request, deadline, error)) return failure(error);

  std::string received;
  char buffer[16384];
  bool peer_closed = false;
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      received.append(buffer, static_cast<size_t>(n));
    } else if (n == 0) {
      peer_closed = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == ECONNRESET) {
      peer_closed = true;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_for(fd, POLLIN, deadline))
        return failure("no complete response from " + url.host_header() + " within " +
                       std::to_string(timeout.count()) + "ms");
      continue;
    } else {
      return failure(std::string("reading the response: ") + std::strerror(errno));
    }
    HttpResponse response = parse_http_response(received, peer_closed);
    if (response.state == HttpResponseState::invalid) return failure(response.error, response.status);
    if (response.state == HttpResponseState::complete) {
      if (response.status < 200 || response.status > 299)
        return failure("HTTP " + std::to_string(response.status) + " from " + std::string(url_text), response.status);
      ScrapeResult result;
      result.ok = true;
      result.status = response.status;
      result.body = std::move(response.body);
      return result;
    }
    if (peer_closed) return failure("connection closed before the response was complete");
  }
}

}  // namespace

ScrapeResult scrape_http(std::string_view url_text, std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  std::string error;
  auto url = parse_http_url(url_text, error);
  if (!url) return failure(error);
  SocketHandle socket;
  if (!connect_to(*url, deadline, socket, error)) return failure(error);
  ScrapeResult result = exchange(socket.fd, *url, url_text, deadline, timeout);
  result.local_end = local_end_of(socket.fd);
  return result;
}

}  // namespace wsl
