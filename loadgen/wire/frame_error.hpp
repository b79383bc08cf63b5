// A protocol violation found in the server→client frame stream, with a stable label for metrics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vocabulary/enum_names.hpp"

namespace wsl {

enum class FrameErrorKind : uint8_t {
  reserved_opcode,           // opcode 3-7 or 0xB-0xF
  reserved_bits_set,         // RSV1/2/3 set although no extension was negotiated
  masked_frame,              // the server masked a frame (servers must not)
  control_frame_too_long,    // control frame payload > 125 bytes
  fragmented_control_frame,  // control frame without FIN
  unexpected_continuation,   // continuation frame with no fragmented message in progress
  interleaved_data_frame,    // new text/binary frame while a fragmented message is unfinished
  message_too_large,         // message (or its announced length) exceeds max_message_size
  bad_length_encoding,       // 64-bit length with the top bit set, or a non-minimal length encoding
  close_payload_too_short,   // Close frame with a 1-byte payload
  invalid_utf8,              // text message that is not valid UTF-8
  truncated_frame,           // TCP ended inside a frame or a fragmented message
  last = truncated_frame,
};
inline constexpr int kFrameErrorKindCount = int(kEnumCount<FrameErrorKind>);

// snake_case names of the kinds, usable as Prometheus label values (e.g. "masked_frame").
inline constexpr EnumNames<FrameErrorKind> kFrameErrorKindNames = {
    "reserved_opcode",         "reserved_bits_set",       "masked_frame",          "control_frame_too_long",
    "fragmented_control_frame", "unexpected_continuation", "interleaved_data_frame", "message_too_large",
    "bad_length_encoding",     "close_payload_too_short", "invalid_utf8",          "truncated_frame"};
static_assert(names_complete<FrameErrorKind>(kFrameErrorKindNames));
constexpr std::string_view frame_error_label(FrameErrorKind kind) { return kFrameErrorKindNames[size_t(kind)]; }

// The close code RFC 6455 says to answer this violation with: 1007 for invalid UTF-8, 1009 for a too
// large message, 1002 otherwise (truncated_frame is never answered: the connection is already gone).
uint16_t frame_error_close_code(FrameErrorKind kind);

struct FrameError {
  FrameErrorKind kind;
  std::string detail;  // human-readable, e.g. "frame announces 1073741824 bytes, max_message_size is 16777216"

  std::string_view reason() const { return frame_error_label(kind); }
  uint16_t close_code() const { return frame_error_close_code(kind); }
};

}  // namespace wsl
