// SHA-1 (FIPS 180-4) of a short input: the Sec-WebSocket-Accept check of every handshake needs one.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace wsl {

// Why our own: OpenSSL 3's SHA1() looks the algorithm up in its provider store on every call, and its EVP
// interface allocates and wipes a context per digest; together 2-3% of the generator's CPU at 1000 handshakes a
// second. RFC 6455 uses SHA-1 only to prove the server read the key, never for secrecy.
std::array<uint8_t, 20> sha1(std::string_view input);

}  // namespace wsl
