// One wss:// connection's TLS, run over memory buffers: the socket carries ciphertext, the codec sees plaintext.
#include "wire/tls_client_session.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace wsl {
namespace {

// SSL_read's largest plaintext record; reading in these steps empties a record per call.
constexpr size_t kReadStep = 16 * 1024;

bool is_ip_literal(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

std::string openssl_error_text(int ssl_error) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
  }
  if (ssl_error == SSL_ERROR_ZERO_RETURN) return "the server closed the TLS session during the handshake";
  return "TLS failure (SSL error " + std::to_string(ssl_error) + ")";
}

}  // namespace

TlsClientSession::TlsClientSession(const TlsClientContext& context, const std::string& server_name)
    : ssl_(SSL_new(context.get())), verifies_peer_(context.verifies_peer()) {
  if (!ssl_) {
    state_ = State::failed;
    error_ = "cannot create a TLS session: " + openssl_error_text(SSL_ERROR_SSL);
    return;
  }
  BIO* from_socket = BIO_new(BIO_s_mem());
  BIO* to_socket = BIO_new(BIO_s_mem());
  // An empty input buffer means "wait for more bytes", not end of stream.
  BIO_set_mem_eof_return(from_socket, -1);
  SSL_set_bio(ssl_, from_socket, to_socket);
  SSL_set_connect_state(ssl_);
  if (is_ip_literal(server_name)) {
    // RFC 6066 §3: SNI carries host names only.
    if (verifies_peer_) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), server_name.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, server_name.c_str());
    if (verifies_peer_) SSL_set1_host(ssl_, server_name.c_str());
  }
}

TlsClientSession::~TlsClientSession() { SSL_free(ssl_); }  // frees both BIOs too

void TlsClientSession::start(std::string& to_send) {
  if (state_ != State::handshaking) return;
  advance_handshake();
  drain_output(to_send);
}

TlsClientSession::State TlsClientSession::on_ciphertext(std::string_view bytes, std::string& plaintext,
                                                        std::string& to_send) {
  if (state_ == State::failed) return state_;
  if (!bytes.empty()) BIO_write(SSL_get_rbio(ssl_), bytes.data(), int(bytes.size()));
  if (state_ == State::handshaking) advance_handshake();
  // The handshake's last flight may arrive with application data (or TLS 1.3 session tickets) behind it.
  if (state_ == State::established) read_application_data(plaintext);
  drain_output(to_send);
  return state_;
}

bool TlsClientSession::encrypt(std::string_view plaintext, std::string& to_send) {
  if (state_ != State::established) return false;
  if (!plaintext.empty()) {
    ERR_clear_error();
    // A memory BIO never blocks, so SSL_write takes everything or fails for good.
    const int written = SSL_write(ssl_, plaintext.data(), int(plaintext.size()));
    if (written <= 0) fail(written);
  }
  drain_output(to_send);
  return state_ == State::established;
}

void TlsClientSession::advance_handshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    state_ = State::established;
    return;
  }
  if (SSL_get_error(ssl_, result) != SSL_ERROR_WANT_READ) fail(result);
}

void TlsClientSession::read_application_data(std::string& plaintext) {
  ERR_clear_error();
  for (;;) {
    const size_t before = plaintext.size();
    plaintext.resize(before + kReadStep);
    const int got = SSL_read(ssl_, plaintext.data() + before, int(kReadStep));
    plaintext.resize(before + size_t(got > 0 ? got : 0));
    if (got > 0) continue;
    const int error = SSL_get_error(ssl_, got);
    // close_notify: the server ends the TLS session; the TCP close that follows is what counts.
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_ZERO_RETURN) return;
    fail(got);
    return;
  }
}

void TlsClientSession::fail(int ssl_result) {
  const int ssl_error = SSL_get_error(ssl_, ssl_result);
  state_ = State::failed;
  // Without verification OpenSSL still records what it would have rejected: only a verifying session
  // fails for that reason.
  const long verify = SSL_get_verify_result(ssl_);
  if (verifies_peer_ && verify != X509_V_OK) {
    certificate_rejected_ = true;
    ERR_clear_error();
    error_ = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    return;
  }
  error_ = openssl_error_text(ssl_error);
}

void TlsClientSession::drain_output(std::string& to_send) {
  BIO* to_socket = SSL_get_wbio(ssl_);
  const size_t pending = BIO_ctrl_pending(to_socket);
  if (pending == 0) return;
  const size_t before = to_send.size();
  to_send.resize(before + pending);
  const int got = BIO_read(to_socket, to_send.data() + before, int(pending));
  to_send.resize(before + size_t(got > 0 ? got : 0));
}

}  // namespace wsl
