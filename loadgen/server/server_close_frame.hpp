// The Close frame the echo server writes itself on a connection it took over from libwebsockets.
#pragma once

#include <string>
#include <string_view>

namespace wsl {

// RFC 6455 §5.5: a control frame's payload is at most 125 bytes.
constexpr size_t kMaxControlPayloadBytes = 125;

// An unmasked, final Close frame (0x88, length, payload) carrying `close_payload` as received from
// the peer (2-byte code then reason, or empty), cut to 125 bytes if the peer sent more.
std::string server_close_frame(std::string_view close_payload);

}  // namespace wsl
