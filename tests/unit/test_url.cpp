// Unit tests for target URL parsing: schemes, hosts, IPv6, ports, paths and the rejected forms.
#include <gtest/gtest.h>

#include "target/url.hpp"

namespace wsl {
namespace {

TargetUrl parse_ok(std::string_view text) {
  std::string error;
  auto url = parse_target_url(text, &error);
  EXPECT_TRUE(url.has_value()) << text << ": " << error;
  EXPECT_TRUE(!url || error.empty());
  return url.value_or(TargetUrl{});
}

std::string parse_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_target_url(text, &error).has_value()) << text;
  EXPECT_NE(error.find(std::string(text)), std::string::npos) << "error should quote the URL: " << error;
  return error;
}

TEST(TargetUrl, PlainWsWithPortAndPath) {
  auto url = parse_ok("ws://127.0.0.1:9001/echo");
  EXPECT_FALSE(url.tls);
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 9001);
  EXPECT_EQ(url.path_and_query, "/echo");
  EXPECT_EQ(url.host_header(), "127.0.0.1:9001");
  EXPECT_EQ(url.to_string(), "ws://127.0.0.1:9001/echo");
}

TEST(TargetUrl, DefaultPortsAndEmptyPath) {
  auto ws = parse_ok("ws://example.test");
  EXPECT_EQ(ws.port, 80);
  EXPECT_EQ(ws.path_and_query, "/");
  EXPECT_EQ(ws.host_header(), "example.test");
  auto wss = parse_ok("wss://example.test");
  EXPECT_TRUE(wss.tls);
  EXPECT_EQ(wss.port, 443);
  EXPECT_EQ(wss.host_header(), "example.test");
}

TEST(TargetUrl, ExplicitDefaultPortOmittedFromHostHeaderOnlyForItsScheme) {
  EXPECT_EQ(parse_ok("ws://h:80/").host_header(), "h");
  EXPECT_EQ(parse_ok("wss://h:443/").host_header(), "h");
  EXPECT_EQ(parse_ok("wss://h:80/").host_header(), "h:80");
  EXPECT_EQ(parse_ok("ws://h:443/").host_header(), "h:443");
}

TEST(TargetUrl, SchemeIsCaseInsensitive) {
  EXPECT_TRUE(parse_ok("WSS://Example.test/x").tls);
  EXPECT_FALSE(parse_ok("Ws://h/").tls);
  EXPECT_EQ(parse_ok("WSS://Example.test/x").host, "Example.test");
}

TEST(TargetUrl, QueryKeptAndPrefixedWithSlash) {
  EXPECT_EQ(parse_ok("ws://h/chat?room=1&x=2").path_and_query, "/chat?room=1&x=2");
  EXPECT_EQ(parse_ok("ws://h:81?room=1").path_and_query, "/?room=1");
}

TEST(TargetUrl, Ipv6Literal) {
  auto url = parse_ok("ws://[::1]:9001/echo");
  EXPECT_EQ(url.host, "::1");
  EXPECT_TRUE(url.is_ipv6());
  EXPECT_EQ(url.port, 9001);
  EXPECT_EQ(url.host_header(), "[::1]:9001");
  auto bare = parse_ok("wss://[2001:db8::7]");
  EXPECT_EQ(bare.port, 443);
  EXPECT_EQ(bare.host_header(), "[2001:db8::7]");
}

TEST(TargetUrl, RejectsOtherSchemes) {
  EXPECT_NE(parse_error("http://h/").find("unsupported scheme \"http\""), std::string::npos);
  parse_error("wsx://h/");
  parse_error("h:9001/echo");
  parse_error("ws:/h");
}

TEST(TargetUrl, RejectsUserinfo) {
  EXPECT_NE(parse_error("ws://user:pw@h/").find("user information"), std::string::npos);
}

TEST(TargetUrl, RejectsEmptyHost) {
  EXPECT_NE(parse_error("ws://").find("empty host"), std::string::npos);
  EXPECT_NE(parse_error("ws://:9001/").find("empty host"), std::string::npos);
  EXPECT_NE(parse_error("ws:///path").find("empty host"), std::string::npos);
  parse_error("ws://[]:80/");
}

TEST(TargetUrl, RejectsBadPorts) {
  EXPECT_NE(parse_error("ws://h:/").find("empty port"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:0/").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:65536/").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:12a/").find("not a number"), std::string::npos);
  parse_error("ws://h:-1/");
  parse_error("ws://h:9999999/");
  parse_error("ws://[::1]9001/");
  EXPECT_EQ(parse_ok("ws://h:65535/").port, 65535);
  EXPECT_EQ(parse_ok("ws://h:1/").port, 1);
}

TEST(TargetUrl, RejectsFragmentsWhitespaceAndBadHosts) {
  EXPECT_NE(parse_error("ws://h/echo#top").find("fragment"), std::string::npos);
  EXPECT_NE(parse_error("ws://h/a b").find("whitespace"), std::string::npos);
  parse_error("ws://h\r\nX: y/");
  parse_error("ws://[::1/");
  parse_error("ws://[zz::1]/");
  parse_error("ws://ho$t/");
}

TEST(TargetUrl, ErrorPointerMayBeNull) {
  EXPECT_FALSE(parse_target_url("http://h/", nullptr).has_value());
}

}  // namespace
}  // namespace wsl
