// The close code that answers each server→client frame stream violation.
#include "wire/frame_error.hpp"

namespace wsl {

uint16_t frame_error_close_code(FrameErrorKind kind) {
  switch (kind) {
    case FrameErrorKind::invalid_utf8: return 1007;
    case FrameErrorKind::message_too_large: return 1009;
    default: return 1002;
  }
}

}  // namespace wsl
