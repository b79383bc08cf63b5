// WebSocket frame opcodes (RFC 6455 §5.2) and the classification the codec needs.
#pragma once

#include <cstdint>

namespace wsl::opcode {

inline constexpr uint8_t continuation = 0x0;
inline constexpr uint8_t text = 0x1;
inline constexpr uint8_t binary = 0x2;
inline constexpr uint8_t close = 0x8;
inline constexpr uint8_t ping = 0x9;
inline constexpr uint8_t pong = 0xA;

// Control frames are the opcodes with the high bit set (0x8-0xF), whether defined or reserved.
constexpr bool is_control(uint8_t op) { return (op & 0x8) != 0; }

// Only six of the sixteen opcodes are defined; the rest are reserved for extensions we never negotiate.
constexpr bool is_defined(uint8_t op) {
  return op == continuation || op == text || op == binary || op == close || op == ping || op == pong;
}

}  // namespace wsl::opcode
