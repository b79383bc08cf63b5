// The pure half of a metrics scrape: parsing an http:// URL and an HTTP/1.1 response (Content-Length or chunked).
#include "monitor/http_response.hpp"

#include <algorithm>
#include <charconv>

namespace wsl {
namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower(x) == lower(y);
         });
}

bool icontains(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char x, char y) { return lower(x) == lower(y); }) != haystack.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

HttpResponse invalid(std::string error) {
  HttpResponse response;
  response.state = HttpResponseState::invalid;
  response.error = std::move(error);
  return response;
}

// Removes chunked framing from `body`; incomplete until the terminating zero-size chunk and its blank line.
HttpResponse decode_chunked(std::string_view body, HttpResponse response, size_t max_body) {
  for (;;) {
    size_t eol = body.find("\r\n");
    if (eol == std::string_view::npos) return response;  // incomplete
    std::string_view size_line = body.substr(0, eol);
    size_line = trim(size_line.substr(0, size_line.find(';')));  // chunk extensions are ignored
    size_t size = 0;
    auto [end, ec] = std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
    if (size_line.empty() || ec != std::errc() || end != size_line.data() + size_line.size())
      return invalid("bad chunk size line");
    body.remove_prefix(eol + 2);
    if (size == 0) {
      // Trailer fields, then a blank line.
      for (;;) {
        size_t trailer_end = body.find("\r\n");
        if (trailer_end == std::string_view::npos) return response;
        body.remove_prefix(trailer_end + 2);
        if (trailer_end == 0) {
          response.state = HttpResponseState::complete;
          return response;
        }
      }
    }
    if (size > max_body || response.body.size() + size > max_body) return invalid("response body too large");
    if (body.size() < size + 2) return response;
    if (body.substr(size, 2) != "\r\n") return invalid("chunk not followed by CRLF");
    response.body.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

}  // namespace

std::string HttpUrl::host_header() const {
  std::string text = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return text + ":" + std::to_string(port);
}

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "http://";
  if (url.size() < scheme.size() || !iequals(url.substr(0, scheme.size()), scheme)) {
    error = "only http:// URLs can be scraped: " + std::string(url);
    return std::nullopt;
  }
  url.remove_prefix(scheme.size());
  size_t path_start = url.find_first_of("/?");
  std::string_view authority = url.substr(0, path_start);
  HttpUrl result;
  if (path_start != std::string_view::npos) {
    result.path = std::string(url.substr(path_start));
    if (result.path.front() == '?') result.path.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    error = "credentials in a scrape URL are not supported";
    return std::nullopt;
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 address in " + std::string(authority);
      return std::nullopt;
    }
    result.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      error = "unexpected text after the IPv6 address in " + std::string(authority);
      return std::nullopt;
    }
    if (!after.empty()) port_text = after.substr(1);
    if (after.size() == 1) port_text = "?";
  } else {
    size_t colon = authority.find(':');
    result.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (colon != std::string_view::npos && port_text.empty()) port_text = "?";
  }
  if (result.host.empty()) {
    error = "no host in the scrape URL";
    return std::nullopt;
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      error = "bad port in the scrape URL: " + std::string(port_text);
      return std::nullopt;
    }
    result.port = static_cast<uint16_t>(port);
  }
  return result;
}

HttpResponse parse_http_response(std::string_view received, bool peer_closed, size_t max_body) {
  size_t header_end = received.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    if (received.size() > kMaxHeaderBytes) return invalid("response headers too large");
    if (peer_closed) return invalid("connection closed before the response headers ended");
    return {};
  }
  std::string_view head = received.substr(0, header_end);
  std::string_view body = received.substr(header_end + 4);

  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ')
    return invalid("not an HTTP/1.x response: " + std::string(status_line.substr(0, 40)));
  HttpResponse response;
  auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, response.status);
  if (ec != std::errc() || end != status_line.data() + 12 || response.status < 100)
    return invalid("bad status line: " + std::string(status_line.substr(0, 40)));

  bool chunked = false;
  std::optional<size_t> content_length;
  std::string_view headers = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!headers.empty()) {
    size_t eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers.remove_prefix(eol == std::string_view::npos ? headers.size() : eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "transfer-encoding") && icontains(value, "chunked")) {
      chunked = true;
    } else if (iequals(name, "content-length")) {
      size_t length = 0;
      auto [last, error] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (error != std::errc() || last != value.data() + value.size()) return invalid("bad Content-Length");
      content_length = length;
    }
  }

  if (response.status == 204 || response.status == 304 || response.status < 200) {
    response.state = HttpResponseState::complete;
    return response;
  }
  if (chunked) {
    response = decode_chunked(body, std::move(response), max_body);
    if (response.state == HttpResponseState::incomplete && peer_closed)
      return invalid("connection closed in the middle of a chunked body");
    return response;
  }
  if (content_length) {
    if (*content_length > max_body) return invalid("response body too large");
    if (body.size() < *content_length) {
      if (peer_closed) return invalid("connection closed before Content-Length bytes arrived");
      return response;
    }
    response.body = std::string(body.substr(0, *content_length));
    response.state = HttpResponseState::complete;
    return response;
  }
  if (body.size() > max_body) return invalid("response body too large");
  if (!peer_closed) return response;  // the body runs until the server closes
  response.body = std::string(body);
  response.state = HttpResponseState::complete;
  return response;
}

}  // namespace wsl
