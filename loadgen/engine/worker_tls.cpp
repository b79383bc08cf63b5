// wss:// inside a worker: TLS between the TCP socket and the WebSocket codec. The socket carries
// ciphertext and TlsClientSession (over memory buffers) turns it into the plaintext the upgrade
// parser and frame reader see.
#include "engine/worker.hpp"

namespace wsl {

bool Worker::start_tls(Connection& conn) {
  const TlsOptions& tls = profile_.target.tls;
  conn.tls = std::make_unique<TlsClientSession>(*tls_context_, tls.server_name.empty() ? target_.url.host
                                                                                      : tls.server_name);
  tls_reply_.clear();
  conn.tls->start(tls_reply_);
  if (conn.tls->state() == TlsClientSession::State::failed) {
    record_connect_error(conn, "tls_error");
    return false;
  }
  queue_on_socket(conn, tls_reply_);  // the ClientHello
  return true;
}

Handled Worker::on_tls_bytes(Connection& conn, const char* data, size_t len) {
  const bool was_handshaking = conn.tls->state() == TlsClientSession::State::handshaking;
  tls_plaintext_.clear();
  tls_reply_.clear();
  const auto state = conn.tls->on_ciphertext(std::string_view(data, len), tls_plaintext_, tls_reply_);
  if (state == TlsClientSession::State::failed) return on_tls_failure(conn);
  // TLS' own answers (handshake flights, rare post-handshake replies) go out while the connection is
  // being set up or open; once a close pattern runs, it alone decides what reaches the server.
  const bool may_send = conn.state == Connection::State::upgrading || conn.state == Connection::State::open;
  if (!tls_reply_.empty() && may_send) queue_on_socket(conn, tls_reply_);
  if (was_handshaking && state == TlsClientSession::State::established) send_upgrade(conn);
  if (tls_plaintext_.empty()) return Handled::keep_socket;
  // The frame reader and upgrade parser do not keep the pointer: the scratch may be reused next read.
  return on_plaintext(conn, tls_plaintext_.data(), tls_plaintext_.size());
}

Handled Worker::on_tls_failure(Connection& conn) {
  if (conn.state == Connection::State::connecting || conn.state == Connection::State::upgrading) {
    record_connect_error(conn, conn.tls->certificate_rejected() ? "tls_verify_failed" : "tls_error");
    return Handled::close_socket;
  }
  // A broken TLS session can carry no Close frame: count it and close the socket.
  if (!conn.protocol_error_seen) {
    conn.protocol_error_seen = true;
    ++stats_.protocol_errors["tls_error"];
  }
  return Handled::close_socket;
}

void Worker::queue_encrypted(Connection& conn, std::string_view plaintext) {
  if (!conn.tls->encrypt(plaintext, conn.out)) {
    // Only a session that already failed refuses to encrypt; the connection cannot go on.
    if (!conn.protocol_error_seen) {
      conn.protocol_error_seen = true;
      ++stats_.protocol_errors["tls_error"];
    }
    kill(conn);
    return;
  }
  request_flush(conn);
}

}  // namespace wsl
