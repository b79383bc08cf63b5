// Deterministic message payloads: the n-th message of a connection can be rebuilt to check its echo.
#include "engine/message_payload.hpp"

namespace wsl {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr uint64_t kAlphabetSize = sizeof(kAlphabet) - 1;

// The byte at `index` of message `sequence`: a base-62 rendering of the sequence number up front
// (so a shifted or repeated echo is caught), then a filler that also depends on the sequence.
char payload_byte(uint64_t sequence, uint64_t index) {
  if (index < 11) {
    uint64_t v = sequence;
    for (uint64_t i = 0; i < index; ++i) v /= kAlphabetSize;
    return kAlphabet[v % kAlphabetSize];
  }
  return kAlphabet[(sequence * 7 + index) % kAlphabetSize];
}

}  // namespace

void fill_message_payload(std::string& out, uint64_t sequence, uint64_t size) {
  out.resize(size);
  for (uint64_t i = 0; i < size; ++i) out[i] = payload_byte(sequence, i);
}

bool payload_matches(std::string_view received, uint64_t sequence, uint64_t size) {
  if (received.size() != size) return false;
  for (uint64_t i = 0; i < size; ++i)
    if (received[i] != payload_byte(sequence, i)) return false;
  return true;
}

}  // namespace wsl
