// The spellings of the profile's enumerations, in enum order, shared by the reader and the writer.
#pragma once

#include <array>
#include <string_view>

#include "profile/profile.hpp"

namespace wsl {

inline constexpr std::array<std::string_view, kClosePatternCount> kClosePatternNames = {
    "clean", "close_no_wait",       "fin",           "rst",           "close_timeout", "stall",
    "ignore_server_close", "server_close", "handshake_abort", "mid_message", "invalid_close"};
inline constexpr std::array<std::string_view, 3> kAbortPointNames = {"before_request", "mid_request",
                                                                     "before_response"};
inline constexpr std::array<std::string_view, 2> kDropByNames = {"fin", "rst"};
inline constexpr std::array<std::string_view, 4> kLifetimeDistNames = {"none", "fixed", "uniform", "exponential"};
inline constexpr std::array<std::string_view, 2> kPayloadNames = {"text", "binary"};
inline constexpr std::array<std::string_view, 2> kLeakAttributionNames = {"none", "patterns"};
inline constexpr std::array<std::string_view, 2> kCapacityQuantityNames = {"connections", "connect_rate"};

const char* to_string(Lifetime::Dist d);
const char* to_string(MessagesSpec::Payload p);

}  // namespace wsl
