// Rules for single profile values (URLs, close codes, names): each returns what is wrong, or nothing.
#include "profile/value_rules.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>

namespace wsl {
namespace {

// Checks "HOST[:PORT][/...]" after the scheme: a host is required and a port must be 1-65535.
Problem authority_problem(std::string_view rest, std::string_view url) {
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address in \"" + std::string(url) + "\"";
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return "unexpected text after the IPv6 address in \"" + std::string(url) + "\"";
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host == "[]") return "URL \"" + std::string(url) + "\" has no host";
  if (authority.find('@') != std::string_view::npos) return "credentials in the URL are not supported; use headers";
  if (authority.size() != host.size()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return "URL \"" + std::string(url) + "\" has an invalid port (expected 1-65535)";
  }
  return std::nullopt;
}

Problem url_problem(std::string_view url, std::array<std::string_view, 2> schemes, const char* example) {
  for (std::string_view scheme : schemes)
    if (url.substr(0, scheme.size()) == scheme) return authority_problem(url.substr(scheme.size()), url);
  return "expected a URL starting with " + std::string(schemes[0]) + " or " + std::string(schemes[1]) + " such as " +
         example + ", got \"" + std::string(url) + "\"";
}

bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 99;
    if (extra == 99 || (extra > 0 && i + extra >= text.size())) return false;
    for (size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

Problem websocket_url_problem(std::string_view url) {
  return url_problem(url, {"ws://", "wss://"}, "ws://127.0.0.1:9001/echo");
}

Problem http_url_problem(std::string_view url) {
  return url_problem(url, {"http://", "https://"}, "http://127.0.0.1:9100/metrics");
}

Problem clean_close_code_problem(int code, std::string_view pattern) {
  const bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  if (valid) return std::nullopt;
  return "reserved or out-of-range close code " + std::to_string(code) +
         " for " + std::string(pattern) + " (allowed: 1000-1003, 1007-1014, 3000-4999); use pattern invalid_close to send it on purpose";
}

Problem close_reason_problem(std::string_view reason) {
  if (reason.size() > 123)
    return "close reason is " + std::to_string(reason.size()) +
           " bytes; at most 123 fit in a Close frame (use pattern invalid_close to send a longer one on purpose)";
  if (!valid_utf8(reason)) return "close reason is not valid UTF-8";
  return std::nullopt;
}

Problem listen_address_problem(std::string_view listen) {
  if (listen == "off") return std::nullopt;
  const size_t colon = listen.rfind(':');
  const std::string_view port = colon == std::string_view::npos ? std::string_view() : listen.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (colon == std::string_view::npos || colon == 0 || port.empty() || ec != std::errc() ||
      end != port.data() + port.size() || value > 65535)
    return "expected HOST:PORT such as 127.0.0.1:9464, or off, got \"" + std::string(listen) + "\"";
  return std::nullopt;
}

Problem label_name_problem(std::string_view name) {
  static constexpr std::string_view kOwnLabels[] = {"pattern", "code",   "phase",   "state", "reason",
                                                    "resource", "run_id", "shard", "outcome",
                                                    "verdict", "check", "version", "profile", "target"};
  bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name.front()));
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok) return "label name \"" + std::string(name) + "\" must match [a-zA-Z_][a-zA-Z0-9_]*";
  if (name.substr(0, 2) == "__") return "label names starting with __ are reserved by Prometheus";
  for (std::string_view own : kOwnLabels)
    if (name == own) return "label " + std::string(name) + " is set by wsloadgen itself; choose another name";
  return std::nullopt;
}

Problem run_id_problem(std::string_view id) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char c : id) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok) return "run_id \"" + std::string(id) + "\" must be 1 to 64 of [A-Za-z0-9_.-]";
  return std::nullopt;
}

Problem metric_name_problem(std::string_view name) {
  bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name.front()));
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':');
  if (!ok) return "series name \"" + std::string(name) + "\" must match [a-zA-Z_:][a-zA-Z0-9_:]*";
  return std::nullopt;
}

Problem header_name_problem(std::string_view name) {
  static constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={} \t";
  bool ok = !name.empty();
  for (char c : name)
    ok = ok && c > 32 && c < 127 && kSeparators.find(c) == std::string_view::npos;
  if (!ok) return "\"" + std::string(name) + "\" is not a valid HTTP header name";
  return std::nullopt;
}

Problem ip_address_problem(std::string_view address) {
  const std::string text(address);
  unsigned char buffer[16];
  if (inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1)
    return std::nullopt;
  return "expected an IPv4 or IPv6 address such as 127.0.0.2, got \"" + text + "\"";
}

}  // namespace wsl
