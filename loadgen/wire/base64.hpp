// Standard base64 (RFC 4648 §4, with padding) for the handshake key and accept values.
#pragma once

#include <string>
#include <string_view>

namespace wsl {

std::string base64_encode(std::string_view bytes);

}  // namespace wsl
