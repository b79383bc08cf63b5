// Incremental decoder of server→client WebSocket frames (RFC 6455 §5): validation, reassembly, zero-copy delivery.
#include "wire/frame_reader.hpp"

#include <algorithm>

#include "wire/opcode.hpp"

namespace wsl {
namespace {

// Header bytes implied by the second header byte (server frames are never masked, so no mask key).
size_t header_length(uint8_t b1) {
  const uint8_t len7 = b1 & 0x7F;
  return len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
}

std::string opcode_name(uint8_t op) {
  switch (op) {
    case opcode::continuation: return "continuation";
    case opcode::text: return "text";
    case opcode::binary: return "binary";
    case opcode::close: return "close";
    case opcode::ping: return "ping";
    case opcode::pong: return "pong";
    default: return "0x" + std::string(1, "0123456789abcdef"[op & 0xF]);
  }
}

}  // namespace

FrameReader::FrameReader(uint64_t max_message_size) : max_message_size_(max_message_size) {}

void FrameReader::shrink_buffer() {
  if (buffer_.empty()) std::string().swap(buffer_);
  else buffer_.shrink_to_fit();
}

void FrameReader::fail(FrameErrorKind kind, std::string detail) {
  error_ = std::make_unique<FrameError>(FrameError{kind, std::move(detail)});
  phase_ = Phase::failed;
  std::string().swap(buffer_);  // nothing more will be assembled: give the memory back now
}

const FrameError* FrameReader::feed(std::string_view chunk, FrameSink& sink) {
  const char* p = chunk.data();
  size_t n = chunk.size();
  // A frame with an empty payload completes without consuming bytes, hence the second condition.
  while (n > 0 || (phase_ == Phase::payload && frame_remaining_ == 0)) {
    size_t used = 0;
    switch (phase_) {
      case Phase::header: used = take_header(p, n); break;
      case Phase::payload: used = take_payload(p, n, sink); break;
      case Phase::closed: bytes_after_close_ += n; return nullptr;
      case Phase::failed: return error_.get();
    }
    p += used;
    n -= used;
  }
  return error();
}

const FrameError* FrameReader::end_of_stream() {
  if (phase_ == Phase::payload || header_have_ > 0) {
    const uint64_t have = phase_ == Phase::payload ? frame_remaining_ : header_have_;
    fail(FrameErrorKind::truncated_frame,
         phase_ == Phase::payload ? "TCP ended with " + std::to_string(have) + " payload bytes of a " +
                                        opcode_name(frame_opcode_) + " frame still to come"
                                  : "TCP ended after " + std::to_string(have) + " bytes of a frame header");
  } else if (phase_ == Phase::header && message_opcode_ != 0) {
    fail(FrameErrorKind::truncated_frame, "TCP ended inside a fragmented " + opcode_name(message_opcode_) + " message");
  }
  return error();
}

bool FrameReader::check_first_two(uint8_t b0, uint8_t b1) {
  const uint8_t op = b0 & 0x0F;
  const bool fin = (b0 & 0x80) != 0;
  if (b0 & 0x70) {
    fail(FrameErrorKind::reserved_bits_set,
         "RSV bits 0x" + std::string(1, "01234567"[(b0 >> 4) & 7]) + " set on a " + opcode_name(op) +
             " frame, but no extension was negotiated");
    return false;
  }
  if (!opcode::is_defined(op)) {
    fail(FrameErrorKind::reserved_opcode, "frame uses reserved opcode " + opcode_name(op));
    return false;
  }
  if (b1 & 0x80) {
    fail(FrameErrorKind::masked_frame, "server sent a masked " + opcode_name(op) + " frame");
    return false;
  }
  if (opcode::is_control(op)) {
    if (!fin) {
      fail(FrameErrorKind::fragmented_control_frame, opcode_name(op) + " frame without FIN");
      return false;
    }
    if ((b1 & 0x7F) > 125) {
      fail(FrameErrorKind::control_frame_too_long,
           opcode_name(op) + " frame announces a payload over 125 bytes (length code " + std::to_string(b1 & 0x7F) + ")");
      return false;
    }
  } else if (op == opcode::continuation && message_opcode_ == 0) {
    fail(FrameErrorKind::unexpected_continuation, "continuation frame without a fragmented message in progress");
    return false;
  } else if (op != opcode::continuation && message_opcode_ != 0) {
    fail(FrameErrorKind::interleaved_data_frame,
         "new " + opcode_name(op) + " frame while a fragmented " + opcode_name(message_opcode_) + " message is unfinished");
    return false;
  }
  return true;
}

size_t FrameReader::take_header(const char* p, size_t n) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  // Fast path: the whole header is in this chunk, parse it in place.
  if (header_have_ == 0 && n >= 2 && n >= header_length(u[1])) {
    const size_t len = header_length(u[1]);
    start_frame(u, len);
    return len;
  }
  size_t used = 0;
  while (used < n) {
    header_[header_have_++] = u[used++];
    // Judge the first two bytes as soon as they exist, so errors do not wait for the length bytes.
    if (header_have_ == 2 && !check_first_two(header_[0], header_[1])) return used;
    if (header_have_ >= 2 && header_have_ == header_length(header_[1])) {
      header_have_ = 0;
      start_frame(header_, header_length(header_[1]));
      return used;
    }
  }
  return used;
}

bool FrameReader::start_frame(const uint8_t* h, size_t len) {
  if (!check_first_two(h[0], h[1])) return false;
  uint64_t length = h[1] & 0x7F;
  if (len == 4) {
    length = (uint64_t{h[2]} << 8) | h[3];
    if (length < 126) {
      fail(FrameErrorKind::bad_length_encoding, "16-bit length " + std::to_string(length) + " should use the 7-bit form");
      return false;
    }
  } else if (len == 10) {
    length = 0;
    for (int i = 2; i < 10; ++i) length = (length << 8) | h[i];
    if (length >> 63) {
      fail(FrameErrorKind::bad_length_encoding, "64-bit length has its most significant bit set");
      return false;
    }
    if (length <= 0xFFFF) {
      fail(FrameErrorKind::bad_length_encoding, "64-bit length " + std::to_string(length) + " should use a shorter form");
      return false;
    }
  }
  const uint8_t op = h[0] & 0x0F;
  frame_opcode_ = op;
  frame_fin_ = (h[0] & 0x80) != 0;
  if (opcode::is_control(op)) {
    control_start_ = buffer_.size();
  } else {
    // Judged on the announced length, before a single payload byte is buffered.
    const uint64_t so_far = buffer_.size();
    if (length > max_message_size_ || so_far + length > max_message_size_) {
      fail(FrameErrorKind::message_too_large,
           "message would reach " + std::to_string(so_far + length) + " bytes (frame announces " +
               std::to_string(length) + "), max_message_size is " + std::to_string(max_message_size_));
      return false;
    }
    if (op != opcode::continuation) {
      utf8_.reset();
      if (!frame_fin_) message_opcode_ = op;
    }
  }
  frame_remaining_ = length;
  phase_ = Phase::payload;
  return true;
}

size_t FrameReader::take_payload(const char* p, size_t n, FrameSink& sink) {
  const size_t take = static_cast<size_t>(std::min<uint64_t>(n, frame_remaining_));
  const bool whole_frame_here = take == frame_remaining_;
  if (opcode::is_control(frame_opcode_)) {
    if (whole_frame_here && buffer_.size() == control_start_) {
      frame_remaining_ = 0;
      deliver_control(std::string_view(p, take), sink);
      return take;
    }
    buffer_.append(p, take);
    frame_remaining_ -= take;
    if (frame_remaining_ == 0) {
      // The control payload sits after any partial message data; deliver it, then cut it off again.
      const std::string_view payload(buffer_.data() + control_start_, buffer_.size() - control_start_);
      deliver_control(payload, sink);
      if (phase_ != Phase::failed) buffer_.resize(control_start_);
    }
    return take;
  }

  const uint8_t message_op = frame_opcode_ == opcode::continuation ? message_opcode_ : frame_opcode_;
  if (message_op == opcode::text && !utf8_.feed(std::string_view(p, take))) {
    fail(FrameErrorKind::invalid_utf8, "text message is not valid UTF-8");
    return take;
  }
  const bool single_frame_message = frame_fin_ && frame_opcode_ != opcode::continuation;
  if (single_frame_message && whole_frame_here && buffer_.empty()) {
    frame_remaining_ = 0;
    finish_frame(std::string_view(p, take), sink);
    return take;
  }
  buffer_.append(p, take);
  frame_remaining_ -= take;
  if (frame_remaining_ == 0) finish_frame(buffer_, sink);
  return take;
}

void FrameReader::finish_frame(std::string_view payload, FrameSink& sink) {
  phase_ = Phase::header;
  if (!frame_fin_) return;  // more fragments follow; the data stays in buffer_
  const uint8_t message_op = frame_opcode_ == opcode::continuation ? message_opcode_ : frame_opcode_;
  if (message_op == opcode::text && !utf8_.at_boundary()) {
    fail(FrameErrorKind::invalid_utf8, "text message ends inside a UTF-8 sequence");
    return;
  }
  message_opcode_ = 0;
  sink.on_message(message_op, payload);
  buffer_.clear();  // keeps capacity: no allocation for the next message of similar size
}

void FrameReader::deliver_control(std::string_view payload, FrameSink& sink) {
  phase_ = Phase::header;
  switch (frame_opcode_) {
    case opcode::ping: sink.on_ping(payload); return;
    case opcode::pong: sink.on_pong(payload); return;
    default: break;
  }
  if (payload.size() == 1) {
    fail(FrameErrorKind::close_payload_too_short, "Close frame with a 1-byte payload");
    return;
  }
  CloseFrame close;
  close.raw_payload = payload;
  if (payload.size() >= 2) {
    close.has_code = true;
    close.code = static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
    close.reason = payload.substr(2);
    close.reason_is_utf8 = is_valid_utf8(close.reason);
  }
  phase_ = Phase::closed;
  sink.on_close(close);
}

}  // namespace wsl
