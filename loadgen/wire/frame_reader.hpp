// Incremental decoder of server→client WebSocket frames: validates, reassembles fragments, reports to a sink.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "wire/frame_error.hpp"
#include "wire/utf8_validator.hpp"

namespace wsl {

// A Close frame as it was on the wire: the code is never rewritten or validated here.
struct CloseFrame {
  bool has_code = false;         // false for an empty payload (the peer sent no status, i.e. "1005")
  uint16_t code = 0;             // raw big-endian code from the payload when has_code
  std::string_view reason;       // bytes after the code (empty when !has_code)
  std::string_view raw_payload;  // the whole Close payload
  bool reason_is_utf8 = true;    // false when `reason` is not valid UTF-8 (recorded, not an error)
};

// Receives decoded events. Every string_view is valid only during the call; a sink must not destroy
// the FrameReader from inside a callback (defer that until feed() returns).
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // A complete data message: opcode is opcode::text or opcode::binary; text is already UTF-8 validated.
  virtual void on_message(uint8_t opcode, std::string_view payload) = 0;
  virtual void on_ping(std::string_view payload) = 0;
  virtual void on_pong(std::string_view payload) = 0;
  virtual void on_close(const CloseFrame& close) = 0;
};

class FrameReader {
 public:
  explicit FrameReader(uint64_t max_message_size = 16u * 1024 * 1024);

  // Decodes `chunk` (any split of the stream, down to single bytes), calling `sink` for each complete
  // message or control frame, in stream order. Returns nullptr while the stream is valid; on the first
  // protocol error returns that error and from then on ignores all input and keeps returning it.
  // After a Close frame the stream is over: later bytes are ignored and counted (bytes_after_close()).
  const FrameError* feed(std::string_view chunk, FrameSink& sink);

  // The server ended TCP: a frame or fragmented message it cut off becomes a truncated_frame error
  // (returned, like any error); a stream that ended between messages, after a Close or after an
  // earlier error returns what error() already held.
  const FrameError* end_of_stream();

  const FrameError* error() const { return error_.get(); }
  bool close_received() const { return phase_ == Phase::closed; }
  uint64_t bytes_after_close() const { return bytes_after_close_; }
  // True while a fragmented data message is unfinished (FIN not yet seen).
  bool in_fragmented_message() const { return message_opcode_ != 0; }
  // Releases the reassembly buffer's memory (e.g. after a burst of large messages); state is kept.
  void shrink_buffer();

 private:
  enum class Phase : uint8_t { header, payload, closed, failed };

  size_t take_header(const char* p, size_t n);
  size_t take_payload(const char* p, size_t n, FrameSink& sink);
  bool start_frame(const uint8_t* header, size_t header_len);
  bool check_first_two(uint8_t b0, uint8_t b1);
  void finish_frame(std::string_view payload, FrameSink& sink);
  void deliver_control(std::string_view payload, FrameSink& sink);
  void fail(FrameErrorKind kind, std::string detail);

  uint64_t max_message_size_;
  uint64_t frame_remaining_ = 0;    // payload bytes of the current frame not yet received
  uint64_t bytes_after_close_ = 0;
  size_t control_start_ = 0;        // where the current control frame's payload begins in buffer_
  Phase phase_ = Phase::header;
  uint8_t header_[10] = {};         // a frame header split across reads (servers never mask, so ≤ 10 bytes)
  uint8_t header_have_ = 0;
  uint8_t frame_opcode_ = 0;
  bool frame_fin_ = false;
  uint8_t message_opcode_ = 0;      // text/binary while a fragmented message is in progress, else 0
  Utf8Validator utf8_;
  std::string buffer_;              // reassembly: data of a message spanning reads/fragments, then a split control frame
  std::unique_ptr<FrameError> error_;  // allocated only on the (final) error, to keep the reader small
};

}  // namespace wsl
