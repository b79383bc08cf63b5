// One wss:// connection's TLS, run over memory buffers: the socket carries ciphertext, the codec sees plaintext.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wire/tls_client_context.hpp"

struct ssl_st;

namespace wsl {

// A TLS client that never touches a socket: the caller moves bytes between it and the socket.
// Why: the close patterns need the socket itself for FIN, RST and stalls, so TLS cannot own it.
class TlsClientSession {
 public:
  enum class State : uint8_t { handshaking, established, failed };

  // `server_name` is sent as SNI and is the name the certificate must carry (when the context
  // verifies); an IP literal is matched against the certificate's IP addresses and sent no SNI.
  TlsClientSession(const TlsClientContext& context, const std::string& server_name);
  ~TlsClientSession();
  TlsClientSession(const TlsClientSession&) = delete;
  TlsClientSession& operator=(const TlsClientSession&) = delete;

  // Begins the handshake: appends the ClientHello to `to_send`.
  void start(std::string& to_send);
  // Takes bytes read from the socket: advances the handshake, appends the application bytes they
  // carried to `plaintext` and whatever TLS has to answer to `to_send`. Returns the state after them.
  State on_ciphertext(std::string_view bytes, std::string& plaintext, std::string& to_send);
  // Appends `plaintext` as TLS records to `to_send`; false (and failed) when the session cannot.
  bool encrypt(std::string_view plaintext, std::string& to_send);

  State state() const { return state_; }
  // The session failed because the server's certificate or name did not verify.
  bool certificate_rejected() const { return certificate_rejected_; }
  // What failed, e.g. "certificate verify failed: hostname mismatch"; empty unless failed.
  const std::string& error() const { return error_; }

 private:
  void advance_handshake();
  void read_application_data(std::string& plaintext);
  void fail(int ssl_result);
  void drain_output(std::string& to_send);

  ssl_st* ssl_ = nullptr;
  State state_ = State::handshaking;
  bool verifies_peer_;
  bool certificate_rejected_ = false;
  std::string error_;
};

}  // namespace wsl
