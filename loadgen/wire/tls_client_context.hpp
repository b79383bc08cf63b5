// The OpenSSL client context every wss:// connection of a worker is made from, built once from target.tls.
#pragma once

#include <memory>
#include <string>

#include "wire/tls_options.hpp"

struct ssl_ctx_st;

namespace wsl {

// Owns an SSL_CTX: trusted CAs (target.tls.ca_file, else the system's), the client certificate and
// key when given, peer verification unless insecure_skip_verify.
class TlsClientContext {
 public:
  // Returns null with *error set (one line naming the file) when the CA or the client certificate/key
  // cannot be loaded.
  static std::unique_ptr<TlsClientContext> create(const TlsOptions& options, std::string* error);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  ssl_ctx_st* get() const { return ctx_; }
  bool verifies_peer() const { return verify_; }

 private:
  TlsClientContext(ssl_ctx_st* ctx, bool verify) : ctx_(ctx), verify_(verify) {}
  ssl_ctx_st* ctx_;
  bool verify_;
};

}  // namespace wsl
