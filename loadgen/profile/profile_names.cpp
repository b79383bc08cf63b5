// The spellings of the profile's enumerations, so every output names them as a profile would.
#include "profile/profile_names.hpp"

namespace wsl {

const char* to_string(ClosePattern p) { return kClosePatternNames[static_cast<size_t>(p)].data(); }
const char* to_string(AbortPoint a) { return kAbortPointNames[static_cast<size_t>(a)].data(); }
const char* to_string(DropBy b) { return kDropByNames[static_cast<size_t>(b)].data(); }
const char* to_string(Lifetime::Dist d) { return kLifetimeDistNames[static_cast<size_t>(d)].data(); }
const char* to_string(MessagesSpec::Payload p) { return kPayloadNames[static_cast<size_t>(p)].data(); }
const char* to_string(LeakAttribution a) { return kLeakAttributionNames[static_cast<size_t>(a)].data(); }
const char* to_string(CapacityQuantity q) { return kCapacityQuantityNames[static_cast<size_t>(q)].data(); }

}  // namespace wsl
