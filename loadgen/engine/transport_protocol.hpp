// The lws protocol table through which every worker's raw sockets report to their Worker.
#pragma once

struct lws_protocols;

namespace wsl {

// Name of the raw protocol client connections bind to (lws_client_connect_info::local_protocol_name).
inline constexpr const char* kTransportProtocolName = "wsloadgen-raw";

// lws uses this table as a plain transport (TCP/TLS bytes in and out); the WebSocket protocol
// itself is spoken by the engine, so that every pattern controls the exact bytes on the wire.
const lws_protocols* transport_protocols();

}  // namespace wsl
