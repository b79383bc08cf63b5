// Picks which offered WebSocket subprotocol the echo server agrees to.
#pragma once

#include <string>

namespace wsl {

// The first name in a Sec-WebSocket-Protocol header value ("chat.v1, chat.v2" -> "chat.v1"),
// tokenised exactly as libwebsockets 4.1 does when it matches names; empty if there is none.
std::string first_offered_subprotocol(const std::string& header_value);

}  // namespace wsl
