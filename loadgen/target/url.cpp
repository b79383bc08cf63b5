// Parses ws:// and wss:// target URLs (RFC 6455 §3) into host, port, TLS flag and request path.
#include "target/url.hpp"

#include <algorithm>
#include <cctype>

namespace wsl {
namespace {

bool is_default_port(bool tls, uint16_t port) { return port == (tls ? 443 : 80); }

bool is_host_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '%';
}

bool is_ipv6_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

std::optional<TargetUrl> failure(std::string* error, std::string_view url, std::string_view why) {
  if (error) *error = "invalid target URL \"" + std::string(url) + "\": " + std::string(why);
  return std::nullopt;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

bool TargetUrl::is_ipv6() const { return host.find(':') != std::string::npos; }

std::string TargetUrl::host_header() const {
  std::string out = is_ipv6() ? "[" + host + "]" : host;
  if (!is_default_port(tls, port)) out += ":" + std::to_string(port);
  return out;
}

std::string TargetUrl::to_string() const {
  return std::string(tls ? "wss://" : "ws://") + host_header() + path_and_query;
}

std::optional<TargetUrl> parse_target_url(std::string_view url, std::string* error) {
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7F) return failure(error, url, "contains whitespace or a control character");
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return failure(error, url, "expected ws://host[:port][/path] or wss://…");
  const std::string scheme = lower(url.substr(0, scheme_end));
  TargetUrl target;
  if (scheme == "ws") target.tls = false;
  else if (scheme == "wss") target.tls = true;
  else return failure(error, url, "unsupported scheme \"" + std::string(url.substr(0, scheme_end)) + "\" (use ws:// or wss://)");
  target.port = target.tls ? 443 : 80;

  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return failure(error, url, "fragments (#…) are not allowed in WebSocket URLs");
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view path = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos)
    return failure(error, url, "user information (user@host) is not supported; use target.headers for credentials");

  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return failure(error, url, "unterminated IPv6 address (missing ])");
    const std::string_view literal = authority.substr(1, close - 1);
    if (literal.empty() || literal.find(':') == std::string_view::npos ||
        !std::all_of(literal.begin(), literal.end(), [](char c) { return is_ipv6_char(static_cast<unsigned char>(c)); }))
      return failure(error, url, "invalid IPv6 address \"" + std::string(literal) + "\"");
    target.host = std::string(literal);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return failure(error, url, "unexpected characters after the IPv6 address");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (target.host.empty()) return failure(error, url, "empty host");
    if (!std::all_of(target.host.begin(), target.host.end(), [](char c) { return is_host_char(static_cast<unsigned char>(c)); }))
      return failure(error, url, "invalid character in host \"" + target.host + "\"");
  }
  if (has_port) {
    if (port_text.empty()) return failure(error, url, "empty port after ':'");
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return failure(error, url, "port \"" + std::string(port_text) + "\" is not a number from 1 to 65535");
    const unsigned long port = std::stoul(std::string(port_text));
    if (port < 1 || port > 65535)
      return failure(error, url, "port " + std::string(port_text) + " is out of range (1-65535)");
    target.port = static_cast<uint16_t>(port);
  }
  target.path_and_query = path.empty() ? "/" : path.front() == '?' ? "/" + std::string(path) : std::string(path);
  return target;
}

}  // namespace wsl
