// One WebSocket connection of the Boost.Beast echo server: echo, Beast's keep-alive, and how its end is classified.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <memory>

#include "options.hpp"
#include "sessions.hpp"

namespace wsecho {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(beast::tcp_stream&& stream, Sessions& sessions, const Options& options)
      : ws_(std::move(stream)), sessions_(sessions), options_(options) {}

  // Takes the upgrade request the HTTP session read. Frames the client sent in the same segment as its request
  // would be lost with that session's buffer; the clients here wait for the 101 first.
  void run(http::request<http::string_body> request) {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream's own timeouts take over
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    if (options_.heartbeat.count() > 0) {
      // Beast's keep-alive: after half the idle timeout without a frame it pings, and when the whole timeout
      // passes without one it closes the socket and the read fails with beast::error::timeout.
      timeouts.idle_timeout = 2 * options_.heartbeat;
      timeouts.keep_alive_pings = true;
    } else {
      timeouts.idle_timeout = websocket::stream_base::none();
    }
    ws_.set_option(timeouts);
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->on_open();
    });
  }

 private:
  void on_open() {
    session_ = sessions_.open();
    read();
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end(ec);
      self->echo();
    });
  }

  void echo() {
    ws_.text(ws_.got_text());  // the same opcode back
    ws_.async_write(buffer_.data(), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->buffer_.consume(self->buffer_.size());
      if (ec) return self->end(ec);
      self->read();
    });
  }

  // Beast answers a Close frame itself and then fails the read with websocket::error::closed; a bare end of
  // stream (net::error::eof), a reset, a protocol error or its keep-alive's timeout all come as other errors.
  void end(beast::error_code ec) {
    if (options_.verbose) {
      std::fprintf(stderr, "ended %llu: %s:%d %s\n", static_cast<unsigned long long>(session_->id),
                   ec.category().name(), ec.value(), ec.message().c_str());
    }
    if (ec == websocket::error::closed) {
      sessions_.ended_by_close_handshake(session_);
    } else {
      sessions_.ended_abruptly(session_, ec == beast::error::timeout);
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  Sessions& sessions_;
  const Options& options_;
  std::shared_ptr<Session> session_;
};

}  // namespace wsecho
