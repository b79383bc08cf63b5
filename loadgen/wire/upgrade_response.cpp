// Incremental parser and validator of the server's upgrade response (RFC 6455 §4.1 steps 1-6 of the client).
#include "wire/upgrade_response.hpp"

#include <algorithm>

namespace wsl {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True when the comma-separated list contains `token` (case-insensitive), e.g. "keep-alive, Upgrade".
bool list_has_token(std::string_view list, std::string_view token) {
  while (true) {
    const size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

bool is_token_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Printable excerpt of hostile input for error details.
std::string excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (s.size() > 80) out += "...";
  return out;
}

}  // namespace

UpgradeResponseParser::UpgradeResponseParser(std::string expected_accept, std::vector<std::string> offered)
    : expected_accept_(std::move(expected_accept)), offered_(std::move(offered)) {}

UpgradeProgress UpgradeResponseParser::reject(std::string_view reason, std::string detail) {
  error_ = UpgradeError{reason, std::move(detail), status_code_};
  state_ = UpgradeState::rejected;
  std::string().swap(buffer_);
  return {state_, 0};
}

UpgradeProgress UpgradeResponseParser::feed(std::string_view chunk) {
  if (state_ != UpgradeState::incomplete) return {state_, 0};
  const size_t old_size = buffer_.size();
  buffer_.append(chunk.substr(0, kMaxUpgradeResponseBytes - old_size));

  if (status_code_ == 0) {
    // Judge the start and the status line as early as possible, so garbage or a 403 does not wait for more bytes.
    constexpr std::string_view kPrefix = "HTTP/";
    const size_t check = std::min(buffer_.size(), kPrefix.size());
    if (buffer_.compare(0, check, kPrefix.substr(0, check)) != 0)
      return reject("handshake_malformed", "response does not start with HTTP/: \"" + excerpt(buffer_) + "\"");
    const size_t eol = buffer_.find(kCrlf);
    if (eol != std::string::npos && !accept_status_line(std::string_view(buffer_.data(), eol))) return {state_, 0};
  }

  const size_t search_from = old_size >= 3 ? old_size - 3 : 0;
  const size_t end = buffer_.find("\r\n\r\n", search_from);
  if (end == std::string::npos) {
    if (buffer_.size() >= kMaxUpgradeResponseBytes)
      return reject("handshake_too_large", "response header block exceeds " + std::to_string(kMaxUpgradeResponseBytes) +
                                                " bytes without ending");
    return {state_, chunk.size()};
  }
  const size_t block_size = end + 4;
  buffer_.resize(block_size);
  if (!accept_headers(std::string_view(buffer_).substr(buffer_.find(kCrlf) + 2))) return {state_, 0};
  state_ = UpgradeState::accepted;
  std::string().swap(buffer_);  // the connection lives on without the handshake's memory
  return {state_, block_size - old_size};
}

bool UpgradeResponseParser::accept_status_line(std::string_view line) {
  // A status code is three digits, 100-999 (RFC 9110 §15): "001" is garbage, not status 1. An HTTP/1.0 answer
  // is a refusal told plainly (a server at its limit answering "HTTP/1.0 503"), but it can never switch protocols.
  const bool http_1_0 = line.compare(0, 9, "HTTP/1.0 ") == 0;
  const bool well_formed =
      line.size() >= 12 && (line.compare(0, 9, "HTTP/1.1 ") == 0 || http_1_0) && line[9] >= '1' && line[9] <= '9' &&
      std::all_of(line.begin() + 10, line.begin() + 12, [](char c) { return c >= '0' && c <= '9'; }) &&
      (line.size() == 12 || line[12] == ' ');
  if (!well_formed) {
    reject("handshake_malformed", "bad status line \"" + excerpt(line) + "\"");
    return false;
  }
  status_code_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (status_code_ == 101 && http_1_0) {
    reject("handshake_malformed", "HTTP/1.0 cannot switch protocols: \"" + excerpt(line) + "\"");
    return false;
  }
  if (status_code_ != 101) {
    reject("handshake_status", "server answered \"" + excerpt(line) + "\" instead of 101");
    return false;
  }
  return true;
}

// Validates the header lines of a 101 response; `lines` ends with the blank line's CRLF.
bool UpgradeResponseParser::accept_headers(std::string_view lines) {
  bool upgrade_ok = false, connection_ok = false;
  int accept_seen = 0, protocol_seen = 0;
  std::string_view bad_accept, protocol, extensions;
  while (!lines.empty()) {
    const size_t line_end = lines.find(kCrlf);
    const std::string_view line = lines.substr(0, line_end);
    lines.remove_prefix(line_end == std::string_view::npos ? lines.size() : line_end + 2);
    if (line.empty()) break;  // the blank line that ends the block
    if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      reject("handshake_malformed", "bare CR, LF or NUL in header line \"" + excerpt(line) + "\"");
      return false;
    }
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), [](char c) { return is_token_char(static_cast<unsigned char>(c)); })) {
      reject("handshake_malformed", "bad header line \"" + excerpt(line) + "\"");
      return false;
    }
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "upgrade")) {
      upgrade_ok = upgrade_ok || list_has_token(value, "websocket");
    } else if (iequals(name, "connection")) {
      connection_ok = connection_ok || list_has_token(value, "upgrade");
    } else if (iequals(name, "sec-websocket-accept")) {
      ++accept_seen;
      if (value != expected_accept_ && bad_accept.data() == nullptr) bad_accept = value;
    } else if (iequals(name, "sec-websocket-protocol")) {
      ++protocol_seen;
      protocol = value;
    } else if (iequals(name, "sec-websocket-extensions")) {
      if (!value.empty()) extensions = value;
    }
  }
  if (!upgrade_ok) {
    reject("handshake_missing_upgrade", "no \"Upgrade: websocket\" header in the 101 response");
    return false;
  }
  if (!connection_ok) {
    reject("handshake_missing_upgrade", "no \"upgrade\" token in the Connection header of the 101 response");
    return false;
  }
  if (accept_seen == 0 || bad_accept.data() != nullptr) {
    reject("handshake_bad_accept", accept_seen == 0 ? std::string("no Sec-WebSocket-Accept header")
                                                     : "Sec-WebSocket-Accept is \"" + excerpt(bad_accept) +
                                                           "\", expected \"" + expected_accept_ + "\"");
    return false;
  }
  if (protocol_seen > 0) {
    if (protocol_seen > 1 || protocol.find(',') != std::string_view::npos) {
      reject("handshake_bad_subprotocol", "server selected more than one subprotocol");
      return false;
    }
    if (std::find(offered_.begin(), offered_.end(), protocol) == offered_.end()) {
      reject("handshake_bad_subprotocol",
             "server selected subprotocol \"" + excerpt(protocol) + "\"" +
                 (offered_.empty() ? std::string(" but none was offered") : std::string(", which was not offered")));
      return false;
    }
    subprotocol_ = std::string(protocol);
  }
  if (!extensions.empty()) {
    reject("handshake_bad_extension", "server selected extension \"" + excerpt(extensions) + "\" that was not offered");
    return false;
  }
  return true;
}

}  // namespace wsl
