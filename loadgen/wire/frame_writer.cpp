// Encodes client→server WebSocket frames byte for byte (RFC 6455 §5.2), always masked.
#include "wire/frame_writer.hpp"

#include <cstring>

namespace wsl {

size_t client_frame_size(size_t payload_length) {
  size_t length_bytes = payload_length < 126 ? 0 : payload_length <= 0xFFFF ? 2 : 8;
  return 2 + length_bytes + 4 + payload_length;
}

void apply_mask(char* data, size_t length, uint32_t mask_key) {
  unsigned char key[4] = {static_cast<unsigned char>(mask_key >> 24), static_cast<unsigned char>(mask_key >> 16),
                          static_cast<unsigned char>(mask_key >> 8), static_cast<unsigned char>(mask_key)};
  // Eight bytes at a time: the repeated key as a word in memory order works on any endianness.
  unsigned char key8[8];
  for (int i = 0; i < 8; ++i) key8[i] = key[i % 4];
  uint64_t word_key;
  std::memcpy(&word_key, key8, 8);
  size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    word ^= word_key;
    std::memcpy(data + i, &word, 8);
  }
  for (; i < length; ++i) data[i] = static_cast<char>(data[i] ^ key[i % 4]);
}

void append_client_frame(std::string& out, uint8_t opcode, bool fin, std::string_view payload, uint32_t mask_key) {
  const size_t start = out.size();
  out.resize(start + client_frame_size(payload.size()));
  auto* p = reinterpret_cast<unsigned char*>(out.data() + start);
  *p++ = static_cast<unsigned char>((fin ? 0x80 : 0x00) | (opcode & 0x0F));
  const uint64_t n = payload.size();
  if (n < 126) {
    *p++ = static_cast<unsigned char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    *p++ = 0x80 | 126;
    *p++ = static_cast<unsigned char>(n >> 8);
    *p++ = static_cast<unsigned char>(n);
  } else {
    *p++ = 0x80 | 127;
    for (int shift = 56; shift >= 0; shift -= 8) *p++ = static_cast<unsigned char>(n >> shift);
  }
  for (int shift = 24; shift >= 0; shift -= 8) *p++ = static_cast<unsigned char>(mask_key >> shift);
  if (n == 0) return;
  std::memcpy(p, payload.data(), n);
  apply_mask(reinterpret_cast<char*>(p), n, mask_key);
}

std::string close_payload(uint16_t code, std::string_view reason) {
  if (code == 0) return {};
  std::string payload;
  payload.reserve(2 + reason.size());
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return payload;
}

}  // namespace wsl
