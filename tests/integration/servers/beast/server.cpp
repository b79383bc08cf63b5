// An echo server on Boost.Beast with switchable, realistic leak bugs (the contract: ../README.md).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <cstdio>

#include "http_session.hpp"
#include "options.hpp"
#include "sessions.hpp"

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Listener {
 public:
  Listener(net::io_context& io, unsigned short port, wsecho::Sessions& sessions, const wsecho::Options& options)
      : acceptor_(io, {net::ip::make_address("127.0.0.1"), port}), pause_(io), sessions_(sessions),
        options_(options) {}

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (!ec) {
        std::make_shared<wsecho::HttpSession>(std::move(socket), sessions_, options_)->read();
        return accept();
      }
      // Out of descriptors (the fd leak's end state) fails every accept at once: pause instead of spinning.
      std::fprintf(stderr, "accept: %s\n", ec.message().c_str());
      pause_.expires_after(std::chrono::milliseconds(100));
      pause_.async_wait([this](boost::system::error_code) { accept(); });
    });
  }

 private:
  tcp::acceptor acceptor_;
  net::steady_timer pause_;
  wsecho::Sessions& sessions_;
  const wsecho::Options& options_;
};

}  // namespace

int main(int argc, char** argv) {
  const wsecho::Options options = wsecho::parse_options(argc, argv);
  net::io_context io;  // one thread: the sessions' state needs no locks
  wsecho::Sessions sessions(options, io.get_executor());
  Listener listener(io, options.port, sessions, options);
  listener.accept();

  net::signal_set terminate(io, SIGTERM);
  terminate.async_wait([&](boost::system::error_code, int) {
    std::printf("%s\n", sessions.account_json().c_str());
    std::fflush(stdout);
    sessions.remove_log();
    io.stop();  // what the bugs left behind is dropped with the process, as when any server stops
  });

  std::printf("listening on ws://127.0.0.1:%u/\n", static_cast<unsigned>(listener.port()));
  std::fflush(stdout);
  io.run();
  return 0;
}
