// The pure half of a metrics scrape: parsing an http:// URL and an HTTP/1.1 response (Content-Length or chunked).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsl {

struct HttpUrl {
  std::string host;  // a name or an address; IPv6 without its brackets
  uint16_t port = 80;
  std::string path = "/";  // with the query, if any
  std::string host_header() const;  // "host:port", IPv6 in brackets
};

// "http://HOST[:PORT][/PATH]"; nullopt with `error` set otherwise (https is refused: no TLS here).
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error);

enum class HttpResponseState { incomplete, complete, invalid };

struct HttpResponse {
  HttpResponseState state = HttpResponseState::incomplete;
  int status = 0;
  std::string body;   // decoded (chunked framing removed) once complete
  std::string error;  // why it is invalid
};

inline constexpr size_t kMaxScrapeBody = 16u << 20;

// Parses what has been received so far. Without Content-Length or chunked encoding the body ends when the peer
// closes (`peer_closed`). Headers over 64 KiB, bodies over `max_body`, and broken framing are invalid.
HttpResponse parse_http_response(std::string_view received, bool peer_closed, size_t max_body = kMaxScrapeBody);

}  // namespace wsl
