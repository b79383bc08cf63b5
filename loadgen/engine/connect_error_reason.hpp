// The reason label of a failed connect, from the text lws reports it with.
#pragma once

#include <string>
#include <string_view>

namespace wsl {

// A stable, low-cardinality label (a Prometheus label value): connection_refused, unreachable,
// connect_timeout, tls_error or connect_failed. lws 4.1 reports a refused or unreachable TCP connect
// as "Unable to connect" and has already consumed the socket's errno by then, so those become
// connect_failed; the preflight names a refusal exactly when the target refuses from the start.
std::string connect_error_reason(std::string_view lws_text);

}  // namespace wsl
