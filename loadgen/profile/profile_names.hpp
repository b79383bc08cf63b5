// The spellings of the profile's own enumerations (the close patterns' are in profile/close_pattern.hpp).
#pragma once

#include "profile/profile.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

inline constexpr EnumNames<Lifetime::Dist> kLifetimeDistNames = {"none", "fixed", "uniform", "exponential"};
static_assert(names_complete<Lifetime::Dist>(kLifetimeDistNames));
inline constexpr EnumNames<MessagesSpec::Payload> kPayloadNames = {"text", "binary"};
static_assert(names_complete<MessagesSpec::Payload>(kPayloadNames));

constexpr const char* to_string(Lifetime::Dist d) { return name_in(kLifetimeDistNames, d); }
constexpr const char* to_string(MessagesSpec::Payload p) { return name_in(kPayloadNames, p); }

}  // namespace wsl
