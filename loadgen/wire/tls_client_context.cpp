// The OpenSSL client context every wss:// connection of a worker is made from, built once from target.tls.
#include "wire/tls_client_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace wsl {
namespace {

std::string last_openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (!code) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// Loads what the options name into ctx; returns an empty string or what failed.
std::string configure(SSL_CTX* ctx, const TlsOptions& options) {
  // Idle connections then hold no read/write buffers: thousands of open wss:// connections stay cheap.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (options.insecure_skip_verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const bool loaded = options.ca_file.empty()
                            ? SSL_CTX_set_default_verify_paths(ctx) == 1
                            : SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) == 1;
    if (!loaded)
      return "cannot load CA certificates from " +
             (options.ca_file.empty() ? std::string("the system paths") : options.ca_file) + ": " +
             last_openssl_error();
  }
  if (!options.cert_file.empty()) {
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1)
      return "cannot load the client certificate " + options.cert_file + ": " + last_openssl_error();
    if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
      return "cannot load the client key " + key + ": " + last_openssl_error();
    if (SSL_CTX_check_private_key(ctx) != 1)
      return "the client key " + key + " does not match " + options.cert_file;
  }
  return "";
}

}  // namespace

std::unique_ptr<TlsClientContext> TlsClientContext::create(const TlsOptions& options, std::string* error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    *error = "cannot create a TLS context: " + last_openssl_error();
    return nullptr;
  }
  std::string failure = configure(ctx, options);
  if (!failure.empty()) {
    SSL_CTX_free(ctx);
    *error = failure;
    return nullptr;
  }
  return std::unique_ptr<TlsClientContext>(new TlsClientContext(ctx, !options.insecure_skip_verify));
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

}  // namespace wsl
