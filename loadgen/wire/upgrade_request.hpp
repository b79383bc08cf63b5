// Builds the client's HTTP/1.1 WebSocket upgrade request (RFC 6455 §4.1) and the key/accept values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsl {

struct UpgradeRequest {
  std::string path_and_query = "/";  // request target, e.g. "/echo?room=1"
  std::string host_header;           // the original host[:port] (TargetUrl::host_header()), not the resolved address
  std::string origin;                // empty = no Origin header
  std::vector<std::string> subprotocols;                        // empty = no Sec-WebSocket-Protocol header
  std::vector<std::pair<std::string, std::string>> headers;     // extra headers, sent in order after the standard ones
};

// A run's requests differ only in their Sec-WebSocket-Key: the bytes around it are built once from `request`,
// and each connection's request (the full request, with its terminating blank line) is one copy with its own
// key, from make_websocket_key(), in between. Does not validate: the profile layer must reject header
// names/values containing CR, LF or NUL (see is_valid_header_name/value).
class UpgradeRequestTemplate {
 public:
  UpgradeRequestTemplate() = default;
  explicit UpgradeRequestTemplate(const UpgradeRequest& request);
  std::string render(std::string_view key) const;

 private:
  std::string before_key_;
  std::string after_key_;
};

// Sec-WebSocket-Key: base64 of the 16 bytes a (big-endian) then b (big-endian); the caller supplies randomness.
std::string make_websocket_key(uint64_t a, uint64_t b);

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), what the server must echo in Sec-WebSocket-Accept.
std::string websocket_accept_for(std::string_view key);

// RFC 7230 token characters only, non-empty.
bool is_valid_header_name(std::string_view name);
// No CR, LF or NUL (other bytes are passed through as given).
bool is_valid_header_value(std::string_view value);

}  // namespace wsl
