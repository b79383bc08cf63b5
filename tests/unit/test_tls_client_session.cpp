// Unit tests for the wss:// TLS layer: a client session against an in-process OpenSSL server, over memory buffers.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "tls_test_certificates.hpp"
#include "wire/tls_client_context.hpp"
#include "wire/tls_client_session.hpp"

namespace wsl {
namespace {

using testing::TestCertificate;
using State = TlsClientSession::State;

// The server end: an OpenSSL server session over memory BIOs, fed what the client sends.
class TestServer {
 public:
  TestServer(const TestCertificate& identity, const TestCertificate* trusted_client = nullptr)
      : ctx_(SSL_CTX_new(TLS_server_method())) {
    SSL_CTX_use_certificate(ctx_, identity.cert.get());
    SSL_CTX_use_PrivateKey(ctx_, identity.key.get());
    if (trusted_client) {
      X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), trusted_client->cert.get());
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    BIO_set_mem_eof_return(SSL_get_rbio(ssl_), -1);
    SSL_set_accept_state(ssl_);
  }
  ~TestServer() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }

  // Takes the client's bytes; returns what the server sends back. Application data is kept for read().
  std::string feed(std::string_view bytes) {
    if (!bytes.empty()) BIO_write(SSL_get_rbio(ssl_), bytes.data(), int(bytes.size()));
    if (!SSL_is_init_finished(ssl_)) {
      const int r = SSL_do_handshake(ssl_);
      if (r <= 0 && SSL_get_error(ssl_, r) != SSL_ERROR_WANT_READ) failed_ = true;
    }
    if (SSL_is_init_finished(ssl_)) {
      char buffer[4096];
      int got;
      while ((got = SSL_read(ssl_, buffer, sizeof buffer)) > 0) received_.append(buffer, size_t(got));
    }
    return drain();
  }

  std::string send(std::string_view plaintext) {
    SSL_write(ssl_, plaintext.data(), int(plaintext.size()));
    return drain();
  }

  bool handshake_done() const { return SSL_is_init_finished(ssl_); }
  bool failed() const { return failed_; }
  const std::string& received() const { return received_; }
  const char* sni() const { return SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name); }
  bool saw_client_certificate() const { return SSL_get0_peer_certificate(ssl_) != nullptr; }

 private:
  std::string drain() {
    std::string out;
    char buffer[4096];
    int got;
    while ((got = BIO_read(SSL_get_wbio(ssl_), buffer, sizeof buffer)) > 0) out.append(buffer, size_t(got));
    return out;
  }

  SSL_CTX* ctx_;
  SSL* ssl_;
  bool failed_ = false;
  std::string received_;
};

// Moves bytes both ways until neither side has anything more to say; returns the client's plaintext.
std::string pump(TlsClientSession& client, TestServer& server, std::string to_server) {
  std::string plaintext;
  for (int round = 0; round < 20 && !to_server.empty(); ++round) {
    const std::string to_client = server.feed(to_server);
    to_server.clear();
    if (to_client.empty()) break;
    client.on_ciphertext(to_client, plaintext, to_server);
  }
  return plaintext;
}

std::unique_ptr<TlsClientContext> make_context(const TlsOptions& options) {
  std::string error;
  auto context = TlsClientContext::create(options, &error);
  EXPECT_TRUE(context) << error;
  return context;
}

TlsOptions trusting(const TestCertificate& ca) {
  TlsOptions options;
  options.ca_file = ca.cert_file;
  return options;
}

// Runs a handshake of a fresh session for `name` against a server presenting `identity`.
State handshake(const TlsClientContext& context, const std::string& name, TestServer& server,
                std::unique_ptr<TlsClientSession>* kept = nullptr) {
  auto session = std::make_unique<TlsClientSession>(context, name);
  std::string hello;
  session->start(hello);
  EXPECT_FALSE(hello.empty());
  EXPECT_EQ(session->state(), State::handshaking);
  pump(*session, server, hello);
  const State state = session->state();
  if (kept) *kept = std::move(session);
  return state;
}

const TestCertificate& localhost_certificate() {
  static const TestCertificate cert("localhost", "DNS:localhost", "tls-localhost");
  return cert;
}

TEST(TlsClientSession, VerifiedHandshakeCarriesBytesBothWays) {
  const auto& cert = localhost_certificate();
  auto context = make_context(trusting(cert));
  TestServer server(cert);
  std::unique_ptr<TlsClientSession> client;
  ASSERT_EQ(handshake(*context, "localhost", server, &client), State::established) << client->error();
  EXPECT_STREQ(server.sni(), "localhost");

  std::string to_server;
  ASSERT_TRUE(client->encrypt("GET / HTTP/1.1\r\n\r\n", to_server));
  EXPECT_EQ(to_server.find("GET"), std::string::npos) << "encrypted on the wire";
  server.feed(to_server);
  EXPECT_EQ(server.received(), "GET / HTTP/1.1\r\n\r\n");

  // Larger than one TLS record, delivered in awkward slices: the plaintext comes out whole and in order.
  std::string big(100'000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = char(i * 7);
  const std::string records = server.send(big);
  std::string plaintext, reply;
  for (size_t at = 0; at < records.size(); at += 1000)
    EXPECT_EQ(client->on_ciphertext(std::string_view(records).substr(at, 1000), plaintext, reply),
              State::established);
  EXPECT_EQ(plaintext, big);
}

TEST(TlsClientSession, NameTheCertificateDoesNotCoverIsACertificateRejection) {
  const auto& cert = localhost_certificate();
  auto context = make_context(trusting(cert));
  TestServer server(cert);
  std::unique_ptr<TlsClientSession> client;
  EXPECT_EQ(handshake(*context, "other.example", server, &client), State::failed);
  EXPECT_TRUE(client->certificate_rejected());
  EXPECT_EQ(client->error(), "certificate verify failed: hostname mismatch");
}

TEST(TlsClientSession, CertificateFromAnUntrustedIssuerIsRejected) {
  const TestCertificate stranger("stranger", "DNS:localhost", "tls-stranger");
  auto context = make_context(trusting(localhost_certificate()));
  TestServer server(stranger);
  std::unique_ptr<TlsClientSession> client;
  EXPECT_EQ(handshake(*context, "localhost", server, &client), State::failed);
  EXPECT_TRUE(client->certificate_rejected());
  EXPECT_EQ(client->error().rfind("certificate verify failed: ", 0), 0u) << client->error();
}

TEST(TlsClientSession, InsecureSkipVerifyAcceptsAnyCertificateAndName) {
  const TestCertificate stranger("stranger", "DNS:stranger.example", "tls-stranger2");
  TlsOptions options;
  options.insecure_skip_verify = true;
  auto context = make_context(options);
  EXPECT_FALSE(context->verifies_peer());
  TestServer server(stranger);
  EXPECT_EQ(handshake(*context, "localhost", server), State::established);
}

TEST(TlsClientSession, IpLiteralIsCheckedAgainstIpAddressesAndSentNoSni) {
  const TestCertificate by_ip("127.0.0.1", "IP:127.0.0.1", "tls-ip");
  auto context = make_context(trusting(by_ip));
  TestServer server(by_ip);
  EXPECT_EQ(handshake(*context, "127.0.0.1", server), State::established);
  EXPECT_EQ(server.sni(), nullptr);

  TestServer other(by_ip);
  std::unique_ptr<TlsClientSession> client;
  EXPECT_EQ(handshake(*context, "127.0.0.2", other, &client), State::failed);
  EXPECT_EQ(client->error(), "certificate verify failed: IP address mismatch");
}

TEST(TlsClientSession, ClientCertificateIsPresentedWhenConfigured) {
  const auto& cert = localhost_certificate();
  const TestCertificate client_identity("client", "DNS:client.example", "tls-client");
  TlsOptions options = trusting(cert);
  options.cert_file = client_identity.cert_file;
  options.key_file = client_identity.key_file;
  auto context = make_context(options);
  TestServer server(cert, &client_identity);
  EXPECT_EQ(handshake(*context, "localhost", server), State::established);
  EXPECT_TRUE(server.handshake_done());
  EXPECT_TRUE(server.saw_client_certificate());
}

TEST(TlsClientSession, ServerRefusingTheClientFailsTheSessionWithoutBlamingTheCertificate) {
  const auto& cert = localhost_certificate();
  const TestCertificate client_identity("client", "DNS:client.example", "tls-client2");
  auto context = make_context(trusting(cert));  // no client certificate configured
  TestServer server(cert, &client_identity);
  std::unique_ptr<TlsClientSession> client;
  handshake(*context, "localhost", server, &client);
  EXPECT_TRUE(server.failed());
  // TLS 1.3 finishes the client's side before the server judges it: the refusal is an alert afterwards.
  std::string request;
  client->encrypt("GET / HTTP/1.1\r\n\r\n", request);
  std::string plaintext, reply;
  EXPECT_EQ(client->on_ciphertext(server.feed(request), plaintext, reply), State::failed);
  EXPECT_FALSE(client->certificate_rejected());
  EXPECT_NE(client->error().find("alert"), std::string::npos) << client->error();
}

TEST(TlsClientSession, ServerThatDoesNotSpeakTlsFailsTheHandshake) {
  auto context = make_context(trusting(localhost_certificate()));
  TlsClientSession client(*context, "localhost");
  std::string hello, plaintext, reply;
  client.start(hello);
  EXPECT_EQ(client.on_ciphertext("HTTP/1.1 400 Bad Request\r\n\r\n", plaintext, reply), State::failed);
  EXPECT_FALSE(client.certificate_rejected());
  EXPECT_FALSE(client.error().empty());
  EXPECT_TRUE(plaintext.empty());
}

TEST(TlsClientSession, NothingIsEncryptedBeforeTheHandshakeCompletes) {
  auto context = make_context(trusting(localhost_certificate()));
  TlsClientSession client(*context, "localhost");
  std::string hello, out;
  client.start(hello);
  EXPECT_FALSE(client.encrypt("too early", out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(client.state(), State::handshaking);
}

TEST(TlsClientContext, UnreadableFilesAreNamed) {
  std::string error;
  TlsOptions missing_ca;
  missing_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_FALSE(TlsClientContext::create(missing_ca, &error));
  EXPECT_NE(error.find("/nonexistent/ca.pem"), std::string::npos) << error;

  const TestCertificate one("one", "DNS:one.example", "tls-one");
  const TestCertificate two("two", "DNS:two.example", "tls-two");
  TlsOptions mismatched;
  mismatched.insecure_skip_verify = true;
  mismatched.cert_file = one.cert_file;
  mismatched.key_file = two.key_file;
  EXPECT_FALSE(TlsClientContext::create(mismatched, &error));
  EXPECT_NE(error.find(two.key_file), std::string::npos) << error;
}

}  // namespace
}  // namespace wsl
