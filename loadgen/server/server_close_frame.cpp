// Builds the server's Close frame bytes (pure, no I/O).
#include "server/server_close_frame.hpp"

namespace wsl {

std::string server_close_frame(std::string_view close_payload) {
  std::string_view payload = close_payload.substr(0, kMaxControlPayloadBytes);
  std::string frame;
  frame.reserve(2 + payload.size());
  frame.push_back(static_cast<char>(0x88));  // FIN + opcode 8; a server never masks
  frame.push_back(static_cast<char>(payload.size()));
  frame.append(payload);
  return frame;
}

}  // namespace wsl
