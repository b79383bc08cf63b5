// Takes a connection's TCP socket away from libwebsockets, so the server can drive its close itself.
#pragma once

#include <libwebsockets.h>

namespace wsl {

// Returns a descriptor of the connection's real socket and leaves lws holding a never-connected
// stand-in under its own fd number, or -1 (nothing changed) if descriptors ran out. The caller
// must then make lws drop the connection (return non-zero from the callback): whatever lws writes,
// shuts down or closes from then on hits the stand-in, never the peer.
int take_socket_from_lws(struct lws* wsi);

}  // namespace wsl
