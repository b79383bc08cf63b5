// Parses the target's ws:// or wss:// URL into what the connection needs: TLS or not, host, port, request path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsl {

struct TargetUrl {
  bool tls = false;            // wss://
  std::string host;            // as written (IPv6 without brackets); used for Host and TLS SNI
  uint16_t port = 80;          // explicit or the scheme default (80 for ws, 443 for wss)
  std::string path_and_query;  // request target, "/" when the URL has no path

  bool is_ipv6() const;
  // host[:port] for the Host header: brackets around IPv6, port omitted when it is the default.
  std::string host_header() const;
  // Normalised URL (lower-case scheme, default port omitted), e.g. for reports.
  std::string to_string() const;
};

// Accepts ws:// and wss:// (scheme case-insensitive). Rejects other schemes, userinfo, an empty host,
// empty/non-numeric/out-of-range ports, fragments and whitespace or control characters. On failure
// returns nullopt and, if `error` is not null, stores a one-line reason mentioning the URL.
std::optional<TargetUrl> parse_target_url(std::string_view url, std::string* error);

}  // namespace wsl
