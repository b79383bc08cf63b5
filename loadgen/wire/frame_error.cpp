// The close code that answers each server→client frame stream violation.
#include "wire/frame_error.hpp"

namespace wsl {

uint16_t frame_error_close_code(FrameErrorKind kind) {
  switch (kind) {
    case FrameErrorKind::invalid_utf8: return 1007;
    case FrameErrorKind::message_too_large: return 1009;
    case FrameErrorKind::reserved_opcode:
    case FrameErrorKind::reserved_bits_set:
    case FrameErrorKind::masked_frame:
    case FrameErrorKind::control_frame_too_long:
    case FrameErrorKind::fragmented_control_frame:
    case FrameErrorKind::unexpected_continuation:
    case FrameErrorKind::interleaved_data_frame:
    case FrameErrorKind::bad_length_encoding:
    case FrameErrorKind::close_payload_too_short:
    case FrameErrorKind::truncated_frame: return 1002;
  }
  return 1002;
}

}  // namespace wsl
