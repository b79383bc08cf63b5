// Unit tests for the client frame encoder: RFC 6455 examples, length encodings, masking, close payloads.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include "wire/frame_writer.hpp"
#include "wire/opcode.hpp"

namespace wsl {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

// RFC 6455 §5.3, byte by byte and written here rather than taken from frame_writer: octet i of the masked
// data is octet i of the payload XOR octet (i mod 4) of the masking key, the key's octets in wire order.
std::string mask_bytewise(const std::string& payload, const std::array<uint8_t, 4>& key) {
  std::string out = payload;
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(static_cast<uint8_t>(out[i]) ^ key[i % 4]);
  return out;
}

// Unmasking is the same XOR again.
std::string unmask_payload(const std::string& frame, size_t header_len, const std::array<uint8_t, 4>& key) {
  return mask_bytewise(frame.substr(header_len), key);
}

// A payload whose bytes differ from their neighbours, so a byte written at the wrong offset shows.
std::string varied_payload(size_t n) {
  std::string payload(n, '\0');
  for (size_t i = 0; i < n; ++i) payload[i] = static_cast<char>((i * 7 + 3) & 0xFF);
  return payload;
}

constexpr uint32_t kRfcKey = 0x37fa213d;                                   // the key of RFC 6455 §5.7's examples
constexpr std::array<uint8_t, 4> kRfcKeyBytes = {0x37, 0xfa, 0x21, 0x3d};  // ... as it goes on the wire

TEST(FrameWriter, MaskedHelloMatchesRfc6455Example) {
  std::string out;
  append_client_frame(out, opcode::text, true, "Hello", kRfcKey);
  EXPECT_EQ(out, bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameWriter, MaskedPongMatchesRfc6455Example) {
  // RFC 6455 §5.7: "Unmasked Ping request and masked Ping response": the masked Pong carrying "Hello".
  std::string out;
  append_client_frame(out, opcode::pong, true, "Hello", kRfcKey);
  EXPECT_EQ(out, bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameWriter, TwoHundredFiftySixBytesUseTheRfcsSixteenBitHeader) {
  // RFC 6455 §5.7: "256 bytes binary message in a single unmasked frame: 0x82 0x7E 0x0100 [256 bytes]". A client
  // frame is the same with the mask bit set (0x7E | 0x80 = 0xFE) and the masking key after the length.
  const std::string payload = varied_payload(256);
  std::string out;
  append_client_frame(out, opcode::binary, true, payload, kRfcKey);
  EXPECT_EQ(out, bytes({0x82, 0xfe, 0x01, 0x00, 0x37, 0xfa, 0x21, 0x3d}) + mask_bytewise(payload, kRfcKeyBytes));
  EXPECT_EQ(client_frame_size(256), out.size());
}

TEST(FrameWriter, SixtyFourKibibytesUseTheRfcsSixtyFourBitHeader) {
  // RFC 6455 §5.7: "64KiB binary message in a single unmasked frame: 0x82 0x7F 0x0000000000010000 [65536 bytes]".
  const std::string payload = varied_payload(65536);
  std::string out;
  append_client_frame(out, opcode::binary, true, payload, kRfcKey);
  EXPECT_EQ(out.substr(0, 14), bytes({0x82, 0xff, 0, 0, 0, 0, 0, 0x01, 0, 0, 0x37, 0xfa, 0x21, 0x3d}));
  EXPECT_EQ(out.substr(14), mask_bytewise(payload, kRfcKeyBytes));
  EXPECT_EQ(client_frame_size(65536), out.size());
}

TEST(FrameWriter, LengthEncodingsAtTheirBoundariesByteForByte) {
  // §5.2: 0-125 in the 7 bits; 126 then 16 bits for up to 65535; 127 then 64 bits (most significant first).
  struct Case {
    size_t length;
    std::string header;  // first byte, masked length byte, extended length: written out by hand
  };
  const Case cases[] = {
      {0, bytes({0x82, 0x80})},
      {125, bytes({0x82, 0xfd})},
      {126, bytes({0x82, 0xfe, 0x00, 0x7e})},
      {65535, bytes({0x82, 0xfe, 0xff, 0xff})},
      {65536, bytes({0x82, 0xff, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00})},
      {0x012345, bytes({0x82, 0xff, 0, 0, 0, 0, 0, 0x01, 0x23, 0x45})},  // distinct octets: byte order shows
  };
  const std::array<uint8_t, 4> key = {0xa1, 0xb2, 0xc3, 0xd4};
  for (const Case& c : cases) {
    const std::string payload = varied_payload(c.length);
    std::string out;
    append_client_frame(out, opcode::binary, true, payload, 0xa1b2c3d4);
    EXPECT_EQ(out, c.header + bytes({0xa1, 0xb2, 0xc3, 0xd4}) + mask_bytewise(payload, key)) << c.length;
    EXPECT_EQ(client_frame_size(c.length), out.size()) << c.length;
  }
}

TEST(FrameWriter, AppendsAfterExistingBytes) {
  std::string out = "xy";
  append_client_frame(out, opcode::ping, true, "", 0x01020304);
  EXPECT_EQ(out, "xy" + bytes({0x89, 0x80, 0x01, 0x02, 0x03, 0x04}));
}

TEST(FrameWriter, FinClearAndRawOpcodeAreWrittenAsGiven) {
  std::string out;
  append_client_frame(out, opcode::text, false, "a", 0);
  append_client_frame(out, 0x3, true, "", 0);  // reserved opcode, on purpose
  EXPECT_EQ(out, bytes({0x01, 0x81, 0, 0, 0, 0, 'a', 0x83, 0x80, 0, 0, 0, 0}));
}

TEST(FrameWriter, SevenBitLengthUpTo125) {
  std::string out;
  append_client_frame(out, opcode::binary, true, std::string(125, 'x'), 0xdeadbeef);
  ASSERT_EQ(out.size(), 2u + 4 + 125);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x80 | 125);
  EXPECT_EQ(unmask_payload(out, 6, {0xde, 0xad, 0xbe, 0xef}), std::string(125, 'x'));
  EXPECT_EQ(client_frame_size(125), out.size());
}

TEST(FrameWriter, SixteenBitLengthFrom126To65535) {
  for (size_t n : {size_t{126}, size_t{65535}}) {
    std::string out;
    std::string payload(n, 'q');
    append_client_frame(out, opcode::binary, true, payload, 0x11223344);
    ASSERT_EQ(out.size(), 2u + 2 + 4 + n);
    EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x80 | 126);
    EXPECT_EQ((static_cast<uint8_t>(out[2]) << 8) | static_cast<uint8_t>(out[3]), static_cast<int>(n));
    EXPECT_EQ(out.substr(4, 4), bytes({0x11, 0x22, 0x33, 0x44}));
    EXPECT_EQ(unmask_payload(out, 8, {0x11, 0x22, 0x33, 0x44}), payload);
    EXPECT_EQ(client_frame_size(n), out.size());
  }
}

TEST(FrameWriter, SixtyFourBitLengthFrom65536) {
  std::string payload(65536, 'z');
  std::string out;
  append_client_frame(out, opcode::binary, true, payload, 0xa1b2c3d4);
  ASSERT_EQ(out.size(), 2u + 8 + 4 + 65536);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x80 | 127);
  EXPECT_EQ(out.substr(2, 8), bytes({0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
  EXPECT_EQ(unmask_payload(out, 14, {0xa1, 0xb2, 0xc3, 0xd4}), payload);
}

TEST(FrameWriter, MaskingMatchesBytewiseDefinitionAtEveryLength) {
  const uint32_t key = 0x9a0b7c3e;
  const unsigned char k[4] = {0x9a, 0x0b, 0x7c, 0x3e};
  for (size_t n = 0; n < 40; ++n) {
    std::string data;
    for (size_t i = 0; i < n; ++i) data.push_back(static_cast<char>(i * 37 + 5));
    std::string masked = data;
    apply_mask(masked.data(), masked.size(), key);
    for (size_t i = 0; i < n; ++i)
      ASSERT_EQ(static_cast<unsigned char>(masked[i]), static_cast<unsigned char>(data[i]) ^ k[i % 4]) << n << " " << i;
  }
}

TEST(FrameWriter, ClosePayloadWithCodeAndReason) {
  EXPECT_EQ(close_payload(1000, "bye"), bytes({0x03, 0xe8, 'b', 'y', 'e'}));
  EXPECT_EQ(close_payload(4999, ""), bytes({0x13, 0x87}));
  EXPECT_EQ(close_payload(5000, "x"), bytes({0x13, 0x88, 'x'}));  // invalid codes are sent as asked
}

TEST(FrameWriter, ClosePayloadWithoutStatusIsEmpty) {
  EXPECT_EQ(close_payload(0, "ignored"), "");
  std::string out;
  append_client_frame(out, opcode::close, true, close_payload(0, ""), 0x01020304);
  EXPECT_EQ(out, bytes({0x88, 0x80, 0x01, 0x02, 0x03, 0x04}));
}

}  // namespace
}  // namespace wsl
