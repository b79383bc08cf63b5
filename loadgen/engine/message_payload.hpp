// Deterministic message payloads: the n-th message of a connection can be rebuilt to check its echo.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wsl {

// Fills `out` with `size` printable bytes that encode `sequence`, so an echo can be verified without
// keeping a copy of what was sent (memory per connection stays constant however many are in flight).
void fill_message_payload(std::string& out, uint64_t sequence, uint64_t size);

// True when `received` is exactly what fill_message_payload produced for `sequence` and `size`.
bool payload_matches(std::string_view received, uint64_t sequence, uint64_t size);

}  // namespace wsl
