// Encodes client→server WebSocket frames byte for byte, so every close pattern controls exactly what the server receives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wsl {

// Bytes a masked client frame with this payload length occupies (header + mask key + payload).
size_t client_frame_size(size_t payload_length);

// Appends one masked frame to `out`. `opcode` is written as given (low 4 bits), so callers may send
// reserved opcodes on purpose; `mask_key`'s big-endian bytes are the 4 masking bytes on the wire
// (0x37fa213d → 37 fa 21 3d). Lengths use the minimal 7/16/64-bit encoding. Never reallocates `out`
// more than once.
void append_client_frame(std::string& out, uint8_t opcode, bool fin, std::string_view payload,
                         uint32_t mask_key);

// XORs `data` in place with the mask whose byte 0 applies at `data[0]` (RFC 6455 §5.3).
void apply_mask(char* data, size_t length, uint32_t mask_key);

// Close frame payload: 2-byte big-endian `code` then `reason`, unvalidated so invalid closes can be
// sent on purpose. code 0 means "no status": the payload is empty and `reason` is ignored.
std::string close_payload(uint16_t code, std::string_view reason);

}  // namespace wsl
