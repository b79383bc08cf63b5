// Labels and answering close codes for server→client frame stream violations.
#include "wire/frame_error.hpp"

namespace wsl {

std::string_view frame_error_label(FrameErrorKind kind) {
  switch (kind) {
    case FrameErrorKind::reserved_opcode: return "reserved_opcode";
    case FrameErrorKind::reserved_bits_set: return "reserved_bits_set";
    case FrameErrorKind::masked_frame: return "masked_frame";
    case FrameErrorKind::control_frame_too_long: return "control_frame_too_long";
    case FrameErrorKind::fragmented_control_frame: return "fragmented_control_frame";
    case FrameErrorKind::unexpected_continuation: return "unexpected_continuation";
    case FrameErrorKind::interleaved_data_frame: return "interleaved_data_frame";
    case FrameErrorKind::message_too_large: return "message_too_large";
    case FrameErrorKind::bad_length_encoding: return "bad_length_encoding";
    case FrameErrorKind::close_payload_too_short: return "close_payload_too_short";
    case FrameErrorKind::invalid_utf8: return "invalid_utf8";
    case FrameErrorKind::truncated_frame: return "truncated_frame";
  }
  return "unknown";
}

uint16_t frame_error_close_code(FrameErrorKind kind) {
  switch (kind) {
    case FrameErrorKind::invalid_utf8: return 1007;
    case FrameErrorKind::message_too_large: return 1009;
    default: return 1002;
  }
}

}  // namespace wsl
