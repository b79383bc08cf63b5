// Unit tests for the upgrade handshake: request bytes, key/accept (RFC 6455 example), base64, response validation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/base64.hpp"
#include "wire/upgrade_request.hpp"
#include "wire/upgrade_response.hpp"

namespace wsl {
namespace {

constexpr std::string_view kRfcKey = "dGhlIHNhbXBsZSBub25jZQ==";
// RFC 6455 §1.3 (the value SHA-1 actually yields; some retellings of the example garble it).
constexpr std::string_view kRfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::string response_101(std::string_view extra_headers = "", std::string_view accept = kRfcAccept) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
         std::string(accept) + "\r\n" + std::string(extra_headers) + "\r\n";
}

struct Parsed {
  UpgradeState state;
  std::string reason;
  std::string subprotocol;
  size_t consumed_total = 0;  // bytes consumed over all feeds
  int status = 0;
};

Parsed parse_in_pieces(std::string_view response, size_t piece, std::vector<std::string> offered = {}) {
  UpgradeResponseParser parser{std::string(kRfcAccept), std::move(offered)};
  Parsed out{UpgradeState::incomplete, "", "", 0, 0};
  for (size_t i = 0; i < response.size() && out.state == UpgradeState::incomplete; i += piece) {
    const std::string_view chunk = response.substr(i, piece);
    UpgradeProgress progress = parser.feed(chunk);
    out.state = progress.state;
    out.consumed_total += progress.state == UpgradeState::rejected ? 0 : progress.consumed;
  }
  if (parser.error()) out.reason = std::string(parser.error()->reason);
  out.subprotocol = parser.subprotocol();
  out.status = parser.status_code();
  return out;
}

Parsed parse(std::string_view response, std::vector<std::string> offered = {}) {
  Parsed whole = parse_in_pieces(response, response.size(), offered);
  Parsed bytewise = parse_in_pieces(response, 1, offered);
  EXPECT_EQ(whole.state, bytewise.state);
  EXPECT_EQ(whole.reason, bytewise.reason);
  EXPECT_EQ(whole.subprotocol, bytewise.subprotocol);
  return whole;
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(UpgradeRequest, AcceptForRfc6455SampleKey) { EXPECT_EQ(websocket_accept_for(kRfcKey), kRfcAccept); }

TEST(UpgradeRequest, KeyIsBase64OfSixteenBigEndianBytes) {
  // "the sample nonce" is the RFC's 16 key bytes.
  const uint64_t a = 0x7468652073616d70ull, b = 0x6c65206e6f6e6365ull;
  EXPECT_EQ(make_websocket_key(a, b), kRfcKey);
  EXPECT_EQ(make_websocket_key(0, 0), "AAAAAAAAAAAAAAAAAAAAAA==");
  EXPECT_EQ(make_websocket_key(1, 2).size(), 24u);
}

TEST(UpgradeRequest, MinimalRequestBytes) {
  UpgradeRequest request;
  request.path_and_query = "/chat";
  request.host_header = "server.example.com";
  EXPECT_EQ(UpgradeRequestTemplate(request).render(kRfcKey),
            "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
}

TEST(UpgradeRequest, EmptyPathIsTheRoot) {
  UpgradeRequest request;
  request.path_and_query = "";
  request.host_header = "h";
  EXPECT_EQ(UpgradeRequestTemplate(request).render("k").substr(0, 16), "GET / HTTP/1.1\r\n");
}

TEST(UpgradeRequest, OriginSubprotocolsAndExtraHeaders) {
  UpgradeRequest request;
  request.path_and_query = "/echo?x=1";
  request.host_header = "[::1]:9001";
  request.origin = "https://example.test";
  request.subprotocols = {"chat.v1", "chat.v2"};
  request.headers = {{"Authorization", "Bearer t"}, {"X-Run", "7"}};
  EXPECT_EQ(UpgradeRequestTemplate(request).render("k"),
            "GET /echo?x=1 HTTP/1.1\r\nHost: [::1]:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\nOrigin: https://example.test\r\n"
            "Sec-WebSocket-Protocol: chat.v1, chat.v2\r\nAuthorization: Bearer t\r\nX-Run: 7\r\n\r\n");
}

TEST(UpgradeRequest, TemplateBuiltOnceServesEveryKey) {
  UpgradeRequest request;
  request.path_and_query = "/echo";
  request.host_header = "127.0.0.1:9001";
  request.origin = "https://example.test";
  request.headers = {{"X-Run", "7"}};
  const UpgradeRequestTemplate once(request);
  const std::string before = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: ";
  const std::string after = "\r\nSec-WebSocket-Version: 13\r\nOrigin: https://example.test\r\nX-Run: 7\r\n\r\n";
  // Rendered in turn, each request carries its own key and nothing of the one before.
  for (std::string_view key : {kRfcKey, std::string_view("AAAAAAAAAAAAAAAAAAAAAA=="), std::string_view("k")})
    EXPECT_EQ(once.render(key), before + std::string(key) + after);
}

TEST(UpgradeRequest, HeaderFieldValidation) {
  EXPECT_TRUE(is_valid_header_name("X-Token_1"));
  EXPECT_FALSE(is_valid_header_name(""));
  EXPECT_FALSE(is_valid_header_name("Bad Name"));
  EXPECT_FALSE(is_valid_header_name("A:b"));
  EXPECT_TRUE(is_valid_header_value("Bearer abc=="));
  EXPECT_FALSE(is_valid_header_value("a\r\nX-Injected: 1"));
  EXPECT_FALSE(is_valid_header_value(std::string("a\0b", 3)));
}

TEST(UpgradeResponse, AcceptsRfcResponseAndReportsConsumedBytes) {
  const std::string response = response_101();
  const std::string early_frame = "\x81\x02hi";
  UpgradeResponseParser parser{std::string(kRfcAccept), {}};
  UpgradeProgress progress = parser.feed(response + early_frame);
  EXPECT_EQ(progress.state, UpgradeState::accepted);
  EXPECT_EQ(progress.consumed, response.size());
  EXPECT_EQ(parser.error(), nullptr);
  EXPECT_EQ(parser.status_code(), 101);
  EXPECT_EQ(parser.subprotocol(), "");
  EXPECT_EQ(parser.feed("more").consumed, 0u);
}

TEST(UpgradeResponse, ConsumedCountsOnlyThisChunkWhenSplit) {
  const std::string response = response_101();
  UpgradeResponseParser parser{std::string(kRfcAccept), {}};
  const size_t split = response.size() - 2;  // the final CRLF arrives with an early frame
  EXPECT_EQ(parser.feed(std::string_view(response).substr(0, split)).consumed, split);
  UpgradeProgress progress = parser.feed(response.substr(split) + "\x89\x00");
  EXPECT_EQ(progress.state, UpgradeState::accepted);
  EXPECT_EQ(progress.consumed, 2u);
}

TEST(UpgradeResponse, ByteByByteEqualsWhole) {
  const std::string response = response_101("Sec-WebSocket-Protocol: chat.v2\r\n");
  Parsed out = parse(response, {"chat.v1", "chat.v2"});
  EXPECT_EQ(out.state, UpgradeState::accepted);
  EXPECT_EQ(out.subprotocol, "chat.v2");
  EXPECT_EQ(parse_in_pieces(response, 1, {"chat.v1", "chat.v2"}).consumed_total, response.size());
}

TEST(UpgradeResponse, HeaderNamesCaseInsensitiveAndConnectionTokenList) {
  const std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, Upgrade\r\n"
      "sec-websocket-accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  \r\nServer: x\r\n\r\n";
  EXPECT_EQ(parse(response).state, UpgradeState::accepted);
}

TEST(UpgradeResponse, RejectsNon101Status) {
  const std::string response = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
  Parsed out = parse(response);
  EXPECT_EQ(out.state, UpgradeState::rejected);
  EXPECT_EQ(out.reason, "handshake_status");
  EXPECT_EQ(out.status, 403);
  UpgradeResponseParser parser{std::string(kRfcAccept), {}};
  parser.feed("HTTP/1.1 403 Forbidden\r\n");  // decided on the status line alone
  ASSERT_NE(parser.error(), nullptr);
  EXPECT_EQ(parser.error()->status_code, 403);
  EXPECT_NE(parser.error()->detail.find("403"), std::string::npos);
}

TEST(UpgradeResponse, RejectsBadOrMissingAccept) {
  EXPECT_EQ(parse(response_101("", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).reason, "handshake_bad_accept");
  EXPECT_EQ(parse("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n").reason, "handshake_bad_accept");
  EXPECT_EQ(parse(response_101("Sec-WebSocket-Accept: nope\r\n")).reason, "handshake_bad_accept");
}

TEST(UpgradeResponse, RejectsMissingUpgradeOrConnection) {
  const std::string accept = "Sec-WebSocket-Accept: " + std::string(kRfcAccept) + "\r\n";
  EXPECT_EQ(parse("HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n" + accept + "\r\n").reason, "handshake_missing_upgrade");
  EXPECT_EQ(parse("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n" + accept + "\r\n").reason, "handshake_missing_upgrade");
  EXPECT_EQ(parse("HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n" + accept + "\r\n").reason,
            "handshake_missing_upgrade");
  EXPECT_EQ(parse("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n" + accept + "\r\n").reason,
            "handshake_missing_upgrade");
}

TEST(UpgradeResponse, RejectsSubprotocolNotOffered) {
  EXPECT_EQ(parse(response_101("Sec-WebSocket-Protocol: chat.v1\r\n")).reason, "handshake_bad_subprotocol");
  EXPECT_EQ(parse(response_101("Sec-WebSocket-Protocol: chat.v3\r\n"), {"chat.v1"}).reason, "handshake_bad_subprotocol");
  EXPECT_EQ(parse(response_101("Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n"), {"chat.v1", "chat.v2"}).reason,
            "handshake_bad_subprotocol");
  // Offering subprotocols and getting none selected is allowed.
  Parsed none = parse(response_101(), {"chat.v1"});
  EXPECT_EQ(none.state, UpgradeState::accepted);
  EXPECT_EQ(none.subprotocol, "");
}

TEST(UpgradeResponse, RejectsUnofferedExtension) {
  EXPECT_EQ(parse(response_101("Sec-WebSocket-Extensions: permessage-deflate\r\n")).reason, "handshake_bad_extension");
}

TEST(UpgradeResponse, RejectsMalformed) {
  EXPECT_EQ(parse("SSH-2.0-OpenSSH\r\n").reason, "handshake_malformed");
  EXPECT_EQ(parse("HTTP/1.0 101 OK\r\n\r\n").reason, "handshake_malformed");
  EXPECT_EQ(parse("HTTP/1.1 1x1 OK\r\n\r\n").reason, "handshake_malformed");
  EXPECT_EQ(parse("HTTP/1.1 101OK\r\n\r\n").reason, "handshake_malformed");
  EXPECT_EQ(parse(response_101("no colon here\r\n")).reason, "handshake_malformed");
  EXPECT_EQ(parse(response_101(" folded: value\r\n")).reason, "handshake_malformed");
  EXPECT_EQ(parse(response_101("Bad\nHeader: x\r\n")).reason, "handshake_malformed");
  // Garbage is rejected from its first bytes, without waiting for a full line.
  UpgradeResponseParser parser{std::string(kRfcAccept), {}};
  EXPECT_EQ(parser.feed("<html>").state, UpgradeState::rejected);
}

// Found by tests/fuzz/fuzz_upgrade_response.cpp: a status below 100 was reported as status 1.
TEST(UpgradeResponse, AnHttp10RefusalIsAStatusNotMalformed) {
  // What a server at its connection limit may answer: a plain refusal, counted by its status.
  const auto refused = parse("HTTP/1.0 503 Service Unavailable\r\n\r\n");
  EXPECT_EQ(refused.reason, "handshake_status");
  EXPECT_EQ(refused.status, 503);
}

TEST(UpgradeResponse, StatusBelow100IsMalformedNotAStatus) {
  const std::string fuzzed =
      "HTTP/1.1 001 Switching Protocols\r\nUpgrade: w\x02HTTP/1.1 101 Switchghing Protoeco\x97s\r\n\xd4" "eb";
  Parsed out = parse(fuzzed);
  EXPECT_EQ(out.state, UpgradeState::rejected);
  EXPECT_EQ(out.reason, "handshake_malformed");
  EXPECT_EQ(out.status, 0);
  EXPECT_EQ(parse("HTTP/1.1 099 Low\r\n\r\n").reason, "handshake_malformed");
  EXPECT_EQ(parse("HTTP/1.1 999 High\r\n\r\n").status, 999);
}

TEST(UpgradeResponse, RejectsHeaderBlockOver16KiB) {
  std::string response = "HTTP/1.1 101 Switching Protocols\r\n";
  while (response.size() <= kMaxUpgradeResponseBytes) response += "X-Filler: " + std::string(100, 'f') + "\r\n";
  response += "\r\n";
  Parsed whole = parse_in_pieces(response, response.size());
  EXPECT_EQ(whole.reason, "handshake_too_large");
  EXPECT_EQ(parse_in_pieces(response, 1000).reason, "handshake_too_large");
  // Exactly 16 KiB including the blank line is still accepted.
  std::string fits = response_101();
  const std::string filler_prefix = "X-Filler: ";
  const size_t room = kMaxUpgradeResponseBytes - fits.size() - filler_prefix.size() - 2;
  fits.insert(fits.size() - 2, filler_prefix + std::string(room, 'f') + "\r\n");
  ASSERT_EQ(fits.size(), kMaxUpgradeResponseBytes);
  EXPECT_EQ(parse_in_pieces(fits, fits.size()).state, UpgradeState::accepted);
  EXPECT_EQ(parse_in_pieces(fits, 1).state, UpgradeState::accepted);
}

}  // namespace
}  // namespace wsl
