// Fuzz target: the server→client frame reader, fed hostile bytes whole and in random splits.
// Input layout: byte 0 picks max_message_size, byte 1 seeds the split points, the rest is the stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/frame_reader.hpp"
#include "wire/opcode.hpp"

namespace {

// Written here, apart from the reader's validator, so text messages are checked by a second opinion.
bool utf8_ok(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Records what the reader reported, in order, so a whole feed and a split feed can be compared.
struct RecordingSink : wsl::FrameSink {
  uint64_t max_message_size = 0;
  bool closed = false;
  uint64_t payload_bytes = 0;
  std::string events;  // a transcript: kind, size and bytes of every event

  void note(char kind, std::string_view payload) {
    FUZZ_CHECK(!closed);  // nothing is reported after a Close frame
    payload_bytes += payload.size();
    events.push_back(kind);
    events += std::to_string(payload.size()) + ":";
    events.append(payload);
  }
  void on_message(uint8_t opcode, std::string_view payload) override {
    FUZZ_CHECK(opcode == wsl::opcode::text || opcode == wsl::opcode::binary);
    FUZZ_CHECK(payload.size() <= max_message_size);
    if (opcode == wsl::opcode::text) FUZZ_CHECK(utf8_ok(payload));
    note(opcode == wsl::opcode::text ? 'T' : 'B', payload);
  }
  void on_ping(std::string_view payload) override {
    FUZZ_CHECK(payload.size() <= 125);
    note('P', payload);
  }
  void on_pong(std::string_view payload) override {
    FUZZ_CHECK(payload.size() <= 125);
    note('O', payload);
  }
  void on_close(const wsl::CloseFrame& close) override {
    FUZZ_CHECK(close.raw_payload.size() <= 125 && close.raw_payload.size() != 1);
    FUZZ_CHECK(close.has_code == (close.raw_payload.size() >= 2));
    if (close.has_code) {
      FUZZ_CHECK(close.reason.size() == close.raw_payload.size() - 2);
      FUZZ_CHECK(close.reason_is_utf8 == utf8_ok(close.reason));
    }
    note('C', close.raw_payload);
    closed = true;
  }
};

struct Outcome {
  std::string events;
  int error_kind = -1;
  bool closed = false;
  uint64_t after_close = 0;
};

// Feeds `stream` in chunks whose lengths come from a small generator seeded by `split_seed` (0: whole).
Outcome feed(std::string_view stream, uint64_t max_message_size, uint8_t split_seed) {
  wsl::FrameReader reader(max_message_size);
  RecordingSink sink;
  sink.max_message_size = max_message_size;
  uint32_t state = split_seed;
  const wsl::FrameError* first_error = nullptr;
  size_t offset = 0;
  while (offset < stream.size()) {
    state = state * 1103515245u + 12345u;
    const size_t len = split_seed == 0 ? stream.size() : 1 + (state >> 16) % 23;
    const std::string_view chunk = stream.substr(offset, len);
    // A copy of exactly the chunk, so reading past its end is caught by ASan.
    const std::vector<char> exact(chunk.begin(), chunk.end());
    const wsl::FrameError* error = reader.feed(std::string_view(exact.data(), exact.size()), sink);
    if (first_error) FUZZ_CHECK(error == first_error);  // the first error sticks
    if (error) {
      first_error = error;
      FUZZ_CHECK(!reader.close_received());
    }
    offset += chunk.size();
    FUZZ_CHECK(sink.payload_bytes <= offset);  // never more payload than it was given
    FUZZ_CHECK(reader.bytes_after_close() <= offset);
  }
  FUZZ_CHECK(reader.close_received() == sink.closed);
  if (!reader.close_received()) FUZZ_CHECK(reader.bytes_after_close() == 0);
  Outcome out;
  out.events = std::move(sink.events);
  out.error_kind = first_error ? static_cast<int>(first_error->kind) : -1;
  out.closed = reader.close_received();
  out.after_close = reader.bytes_after_close();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint64_t max_message_size = data[0] == 0 ? 16u << 20 : 1 + uint64_t{data[0]} * 64;
  const uint8_t split_seed = data[1] == 0 ? 1 : data[1];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Outcome whole = feed(stream, max_message_size, 0);
  const Outcome split = feed(stream, max_message_size, split_seed);
  // How the stream was cut into reads must not change what it means.
  FUZZ_CHECK(whole.events == split.events);
  FUZZ_CHECK(whole.error_kind == split.error_kind);
  FUZZ_CHECK(whole.closed == split.closed);
  FUZZ_CHECK(whole.after_close == split.after_close);
  return 0;
}
