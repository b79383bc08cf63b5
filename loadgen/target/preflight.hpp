// Checks, before any load, that the target accepts TCP (and TLS for wss://), so a wrong URL fails fast.
#pragma once

#include <string>

#include "profile/profile.hpp"
#include "target/url.hpp"

namespace wsl {

// Returns an empty string when the target is reachable, else one line saying what failed and a hint.
// One TCP connection (and TLS handshake) is made and closed; no WebSocket upgrade is sent, so the
// server's handshake counts stay exactly those of the run.
std::string preflight_target(const TargetUrl& url, const std::string& address, const TargetSpec& spec);

}  // namespace wsl
