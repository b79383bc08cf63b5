// Draws a session lifetime from the profile's distribution, purely from one random draw.
#pragma once

#include <cstdint>
#include <optional>

#include "profile/profile.hpp"

namespace wsl {

// The shortest lifetime ever drawn: a zero lifetime would close and replace a connection forever at one instant.
inline constexpr Duration kShortestLifetime = 1ns;

// The lifetime of a connection given a uniform 64-bit draw; nullopt when the distribution is `none`
// (the connection lives until a phase closes it). Finite lifetimes are at least kShortestLifetime.
std::optional<Duration> draw_lifetime(const Lifetime& lifetime, uint64_t draw);

}  // namespace wsl
