// The reason label of a failed TCP connect, from the errno it failed with.
#pragma once

#include <string_view>

namespace wsl {

// connection_refused, connect_timeout, unreachable, no_local_port, no_file_descriptor or connect_failed:
// few enough to be a metric label, exact enough to tell a refusing server from an exhausted client.
std::string_view connect_error_reason(int error_number);

}  // namespace wsl
