// Resolves the target host once before the run, so no worker ever blocks on DNS.
#pragma once

#include <optional>
#include <string>

#include "target/url.hpp"

namespace wsl {

// The first address getaddrinfo gives for url.host, as a numeric string; nullopt with *error set otherwise.
std::optional<std::string> resolve_target_address(const TargetUrl& url, std::string* error);

}  // namespace wsl
