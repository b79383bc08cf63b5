// The TCP-level actions of close patterns, done on the socket itself rather than through lws.
#pragma once

namespace wsl {

// Sends FIN now (half-close); reading stays possible so the server's reaction can be observed.
void send_fin(int fd);

// Ends the connection with an RST now and leaves `fd` valid but unconnected.
// Why not just SO_LINGER 0 and let lws close it: lws shuts the socket down for writing before it
// closes it, which would put a FIN on the wire first. Replacing the socket under the same fd
// number (dup2) closes the original with linger 0 at once, and lws later closes the harmless stand-in.
void send_rst(int fd);

}  // namespace wsl
