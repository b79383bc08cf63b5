// Checks, before any load, that the target accepts TCP (and TLS for wss://), so a wrong URL fails fast.
#include "target/preflight.hpp"

#include "target/socket_address.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace wsl {
namespace {

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

int timeout_ms(Duration d) { return int(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); }

// Connects with a deadline; returns the connected blocking socket, or -1 with *error set.
int connect_with_timeout(const std::string& address, uint16_t port, Duration timeout, std::string* error) {
  const auto target = make_socket_address(address, port);
  if (!target) {
    *error = "not a numeric address: " + address;
    return -1;
  }
  int fd = ::socket(target->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  if (::connect(fd, target->get(), target->length) != 0 && errno != EINPROGRESS) {
    *error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, timeout_ms(timeout)) != 1) {
    *error = "no answer within connect_timeout (" + std::to_string(timeout_ms(timeout)) + " ms)";
    ::close(fd);
    return -1;
  }
  int so_error = 0;
  socklen_t so_len = sizeof so_error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len);
  if (so_error != 0) {
    *error = std::strerror(so_error);
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::string openssl_error_text() {
  unsigned long code = ERR_get_error();
  if (!code) return "the connection ended during the TLS handshake";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::string tls_handshake(int fd, const TargetUrl& url, const TargetSpec& spec) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) return "cannot create a TLS context";
  const TlsOptions& tls = spec.tls;
  if (!tls.insecure_skip_verify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!tls.ca_file.empty() ? SSL_CTX_load_verify_locations(ctx.get(), tls.ca_file.c_str(), nullptr) != 1
                             : SSL_CTX_set_default_verify_paths(ctx.get()) != 1)
      return "cannot load CA certificates " + (tls.ca_file.empty() ? std::string("(system)") : tls.ca_file);
  }
  if (!tls.cert_file.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.cert_file.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx.get(), (tls.key_file.empty() ? tls.cert_file : tls.key_file).c_str(),
                                   SSL_FILETYPE_PEM) != 1))
    return "cannot load the client certificate/key " + tls.cert_file;
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  const std::string& name = tls.server_name.empty() ? url.host : tls.server_name;
  SSL_set_tlsext_host_name(ssl.get(), name.c_str());
  if (!tls.insecure_skip_verify) SSL_set1_host(ssl.get(), name.c_str());
  SSL_set_fd(ssl.get(), fd);
  if (SSL_connect(ssl.get()) != 1) {
    long verify = SSL_get_verify_result(ssl.get());
    if (verify != X509_V_OK)
      return std::string("TLS certificate verification failed: ") + X509_verify_cert_error_string(verify) +
             " (set target.tls.ca_file, or insecure_skip_verify: true for a test server)";
    return "TLS handshake failed: " + openssl_error_text() + " (is the server speaking TLS on this port?)";
  }
  SSL_shutdown(ssl.get());
  return "";
}

}  // namespace

std::string preflight_target(const TargetUrl& url, const std::string& address, const TargetSpec& spec) {
  std::string error;
  // The TLS handshake can stall on a server that never answers; bound it like a WebSocket handshake.
  FdCloser sock{connect_with_timeout(address, url.port, spec.connect_timeout, &error)};
  if (sock.fd < 0)
    return "target " + url.to_string() + " (" + address + ") is unreachable: " + error;
  if (!url.tls) return "";
  timeval tv{};
  tv.tv_sec = timeout_ms(spec.handshake_timeout) / 1000;
  tv.tv_usec = (timeout_ms(spec.handshake_timeout) % 1000) * 1000;
  ::setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(sock.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string tls_error = tls_handshake(sock.fd, url, spec);
  if (!tls_error.empty()) return "target " + url.to_string() + ": " + tls_error;
  return "";
}

}  // namespace wsl
