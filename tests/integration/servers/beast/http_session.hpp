// The Boost.Beast echo server's HTTP side: hands upgrades to a WebSocketSession and answers GET /metrics.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <memory>

#include "options.hpp"
#include "process_metrics.hpp"
#include "sessions.hpp"
#include "websocket_session.hpp"

namespace wsecho {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, Sessions& sessions, const Options& options)
      : stream_(std::move(socket)), linger_timer_(stream_.get_executor()), sessions_(sessions), options_(options) {}

  void read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));  // a client that never finishes its request is dropped
    http::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->on_request();  // on error the socket closes with this object
    });
  }

 private:
  void on_request() {
    if (websocket::is_upgrade(request_)) {
      std::make_shared<WebSocketSession>(std::move(stream_), sessions_, options_)->run(std::move(request_));
      return;
    }
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(request_.version());
    response->keep_alive(request_.keep_alive());
    if (request_.method() == http::verb::get && request_.target() == "/metrics") {
      response->result(http::status::ok);
      response->set(http::field::content_type, "text/plain; version=0.0.4");
      response->body() = metrics_text();
    } else {
      response->result(http::status::not_found);
    }
    response->prepare_payload();
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
      if (!ec && self->options_.metrics_linger.count() > 0) return self->linger();
      if (ec || !response->keep_alive()) {
        self->stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
        return;
      }
      self->read();
    });
  }

  // --metrics-linger: the connection is neither read nor closed for a while after the response, as a server
  // that closes idle HTTP connections from a periodic sweep does; a client that closes meanwhile leaves this
  // socket in CLOSE_WAIT until the timer closes it (with this object).
  void linger() {
    stream_.expires_never();
    linger_timer_.expires_after(options_.metrics_linger);
    linger_timer_.async_wait([self = shared_from_this()](beast::error_code) {});
  }

  beast::tcp_stream stream_;
  boost::asio::steady_timer linger_timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  Sessions& sessions_;
  const Options& options_;
};

}  // namespace wsecho
