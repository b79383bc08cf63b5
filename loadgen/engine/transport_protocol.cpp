// The lws protocol table through which every worker's raw sockets report to their Worker.
#include "engine/transport_protocol.hpp"

#include <libwebsockets.h>

#include "engine/worker.hpp"

namespace wsl {
namespace {

int transport_callback(lws* wsi, lws_callback_reasons reason, void*, void* in, size_t len) {
  lws_context* context = lws_get_context(wsi);
  auto* worker = context ? static_cast<Worker*>(lws_context_user(context)) : nullptr;
  if (!worker) return 0;
  if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) {
    worker->on_wake();
    return 0;
  }
  auto* conn = static_cast<Connection*>(lws_get_opaque_user_data(wsi));
  if (!conn) return 0;  // the worker is already done with this socket
  switch (reason) {
    case LWS_CALLBACK_RAW_CONNECTED:
      return worker->on_connected(*conn);
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      worker->on_connect_error(*conn, in ? static_cast<const char*>(in) : "");
      return 0;
    case LWS_CALLBACK_RAW_RX:
      return worker->on_receive(*conn, static_cast<const char*>(in), len);
    case LWS_CALLBACK_RAW_WRITEABLE:
      return worker->on_writeable(*conn);
    case LWS_CALLBACK_RAW_CLOSE:
      worker->on_socket_closed(*conn);
      return 0;
    default:
      return 0;
  }
}

const lws_protocols kProtocols[] = {
    {kTransportProtocolName, transport_callback, 0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

}  // namespace

const lws_protocols* transport_protocols() { return kProtocols; }

}  // namespace wsl
