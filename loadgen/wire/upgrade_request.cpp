// Builds the client's WebSocket upgrade request and computes the Sec-WebSocket-Key/Accept values.
#include "wire/upgrade_request.hpp"

#include "wire/base64.hpp"
#include "wire/sha1.hpp"

namespace wsl {

UpgradeRequestTemplate::UpgradeRequestTemplate(const UpgradeRequest& request) {
  std::string& out = before_key_;
  out += "GET ";
  out += request.path_and_query.empty() ? std::string_view("/") : std::string_view(request.path_and_query);
  out += " HTTP/1.1\r\nHost: ";
  out += request.host_header;
  out += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
  std::string& rest = after_key_;
  rest += "\r\nSec-WebSocket-Version: 13\r\n";
  if (!request.origin.empty()) {
    rest += "Origin: ";
    rest += request.origin;
    rest += "\r\n";
  }
  if (!request.subprotocols.empty()) {
    rest += "Sec-WebSocket-Protocol: ";
    for (size_t i = 0; i < request.subprotocols.size(); ++i) {
      if (i > 0) rest += ", ";
      rest += request.subprotocols[i];
    }
    rest += "\r\n";
  }
  for (const auto& [name, value] : request.headers) {
    rest += name;
    rest += ": ";
    rest += value;
    rest += "\r\n";
  }
  rest += "\r\n";
}

std::string UpgradeRequestTemplate::render(std::string_view key) const {
  std::string out;
  out.reserve(before_key_.size() + key.size() + after_key_.size());
  out += before_key_;
  out += key;
  out += after_key_;
  return out;
}

std::string make_websocket_key(uint64_t a, uint64_t b) {
  char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>(a >> (56 - 8 * i));
    bytes[8 + i] = static_cast<char>(b >> (56 - 8 * i));
  }
  return base64_encode(std::string_view(bytes, 16));
}

std::string websocket_accept_for(std::string_view key) {
  static constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::string input;
  input.reserve(key.size() + kGuid.size());
  input.append(key);
  input.append(kGuid);
  const std::array<uint8_t, 20> digest = sha1(input);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool is_valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    const bool token = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!token) return false;
  }
  return true;
}

bool is_valid_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace wsl
