// The echo server's per-connection protocol: reassemble each message and send it back unchanged.
#pragma once

#include <libwebsockets.h>

#include <cstddef>

namespace wsl {

// The lws protocol callback of the echo server; the context user must be an EchoServerState.
int echo_protocol_callback(struct lws* wsi, enum lws_callback_reasons reason, void* user, void* in,
                           size_t len);

// lws per-session storage for this protocol (only a pointer: the session lives on the heap).
size_t echo_session_storage_size();

}  // namespace wsl
