// The spellings of the profile's own enumerations (the close patterns' are in vocabulary/close_pattern.hpp).
#pragma once

#include "profile/profile.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

inline constexpr EnumNames<Lifetime::Dist> kLifetimeDistNames = {"none", "fixed", "uniform", "exponential"};
static_assert(names_complete<Lifetime::Dist>(kLifetimeDistNames));
inline constexpr EnumNames<MessagesSpec::Payload> kPayloadNames = {"text", "binary"};
static_assert(names_complete<MessagesSpec::Payload>(kPayloadNames));
inline constexpr EnumNames<MessagesSpec::First> kFirstMessageNames = {"spread", "at_open"};
static_assert(names_complete<MessagesSpec::First>(kFirstMessageNames));
inline constexpr EnumNames<LeakAttribution> kLeakAttributionNames = {"none", "patterns"};
static_assert(names_complete<LeakAttribution>(kLeakAttributionNames));
inline constexpr EnumNames<CapacityQuantity> kCapacityQuantityNames = {"connections", "connect_rate"};
static_assert(names_complete<CapacityQuantity>(kCapacityQuantityNames));

constexpr const char* to_string(Lifetime::Dist d) { return name_in(kLifetimeDistNames, d); }
constexpr const char* to_string(MessagesSpec::Payload p) { return name_in(kPayloadNames, p); }
constexpr const char* to_string(MessagesSpec::First f) { return name_in(kFirstMessageNames, f); }
constexpr const char* to_string(LeakAttribution a) { return name_in(kLeakAttributionNames, a); }
constexpr const char* to_string(CapacityQuantity q) { return name_in(kCapacityQuantityNames, q); }

}  // namespace wsl
