// Whether an address belongs to this host, i.e. whether the server under test can be watched from here.
#pragma once

#include <string>

namespace wsl {

// True when a socket can be bound to `numeric_address` here (loopback, or one of this host's addresses).
bool is_local_address(const std::string& numeric_address);

}  // namespace wsl
