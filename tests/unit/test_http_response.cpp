// Tests the scrape URL and HTTP response parsing, and a real scrape of a prometheus-cpp Exposer over loopback.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "monitor/http_response.hpp"
#include "monitor/metrics_scrape.hpp"
#include "monitor/prometheus_text.hpp"

namespace wsl {
namespace {

TEST(HttpUrl, ParsesHostPortAndPath) {
  std::string error;
  auto url = parse_http_url("http://127.0.0.1:9100/metrics", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 9100);
  EXPECT_EQ(url->path, "/metrics");
  EXPECT_EQ(url->host_header(), "127.0.0.1:9100");

  auto bare = parse_http_url("HTTP://example.test", error);
  ASSERT_TRUE(bare) << error;
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->path, "/");

  auto ipv6 = parse_http_url("http://[::1]:8080/m?x=1", error);
  ASSERT_TRUE(ipv6) << error;
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->path, "/m?x=1");
  EXPECT_EQ(ipv6->host_header(), "[::1]:8080");

  auto query_only = parse_http_url("http://h:1?q", error);
  ASSERT_TRUE(query_only) << error;
  EXPECT_EQ(query_only->path, "/?q");
}

TEST(HttpUrl, RefusesWhatItCannotFetch) {
  std::string error;
  for (std::string_view bad : {"https://h/metrics", "ftp://h", "http://", "http://:80/", "http://h:/",
                               "http://h:0/", "http://h:70000/", "http://h:80x/", "http://[::1/", "http://[::1]x/",
                               "http://u:p@h/", "h:80/metrics"}) {
    error.clear();
    EXPECT_FALSE(parse_http_url(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(HttpResponse, ContentLengthBodyIsCompleteOnceAllBytesArrive) {
  std::string raw = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 11\r\n\r\nhello world";
  for (size_t cut = 0; cut < raw.size(); ++cut)
    EXPECT_EQ(parse_http_response(std::string_view(raw).substr(0, cut), false).state, HttpResponseState::incomplete)
        << cut;
  HttpResponse response = parse_http_response(raw + "EXTRA", false);
  EXPECT_EQ(response.state, HttpResponseState::complete);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello world");
  EXPECT_EQ(parse_http_response(raw.substr(0, raw.size() - 1), true).state, HttpResponseState::invalid);
}

TEST(HttpResponse, ChunkedBodyIsDecoded) {
  std::string raw =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n"
      "1\r\n \r\n"
      "A\r\n0123456789\r\n"
      "0\r\nX-Trailer: y\r\n\r\n";
  for (size_t cut = 0; cut < raw.size(); ++cut)
    EXPECT_EQ(parse_http_response(std::string_view(raw).substr(0, cut), false).state, HttpResponseState::incomplete)
        << cut;
  HttpResponse response = parse_http_response(raw, false);
  ASSERT_EQ(response.state, HttpResponseState::complete) << response.error;
  EXPECT_EQ(response.body, "hello 0123456789");
  EXPECT_EQ(parse_http_response(raw.substr(0, raw.size() - 3), true).state, HttpResponseState::invalid);
}

TEST(HttpResponse, BodyWithoutLengthEndsWhenThePeerCloses) {
  std::string raw = "HTTP/1.0 200 OK\r\n\r\nmetric 1\n";
  EXPECT_EQ(parse_http_response(raw, false).state, HttpResponseState::incomplete);
  HttpResponse response = parse_http_response(raw, true);
  EXPECT_EQ(response.state, HttpResponseState::complete);
  EXPECT_EQ(response.body, "metric 1\n");
}

TEST(HttpResponse, ErrorStatusAndNoContentAreComplete) {
  HttpResponse missing = parse_http_response("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", false);
  EXPECT_EQ(missing.state, HttpResponseState::complete);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(parse_http_response("HTTP/1.1 204 No Content\r\n\r\n", false).state, HttpResponseState::complete);
}

TEST(HttpResponse, BrokenResponsesAreInvalid) {
  for (std::string_view bad : {"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                               "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY",
                               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n"}) {
    HttpResponse response = parse_http_response(bad, false);
    EXPECT_EQ(response.state, HttpResponseState::invalid) << bad;
    EXPECT_FALSE(response.error.empty()) << bad;
  }
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\n", true).state, HttpResponseState::invalid);
  EXPECT_EQ(parse_http_response(std::string(70000, 'x'), false).state, HttpResponseState::invalid);
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", false, 10).state,
            HttpResponseState::invalid);
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\n\r\n" + std::string(20, 'x'), false, 10).state,
            HttpResponseState::invalid);
}

// A loopback listener on a free port that never accepts or answers, for the timeout and refusal cases.
struct SilentListener {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  uint16_t port = 0;
  SilentListener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 && ::listen(fd, 4) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0)
      port = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd); }
};

// Serves one canned response on a loopback port and, like a keep-alive server, keeps the connection open after
// it; the scrape must stop on the response's own framing. (A real prometheus-cpp Exposer frames with
// Content-Length and keeps the connection alive too, but takes 2 s to shut down: too slow for a unit test.)
class CannedServer {
 public:
  explicit CannedServer(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~CannedServer() { thread_.join(); }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(listener_.port) + path; }
  const std::string& request() const { return request_; }

 private:
  void serve() {
    pollfd waiting{listener_.fd, POLLIN, 0};
    if (::poll(&waiting, 1, 2000) != 1) return;  // the scrape never connected: let the test fail, not hang
    int peer = ::accept4(listener_.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (peer < 0) return;
    char buffer[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(peer, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      request_.append(buffer, static_cast<size_t>(n));
    }
    for (const std::string& piece : pieces_) ::send(peer, piece.data(), piece.size(), MSG_NOSIGNAL);
    while (::recv(peer, buffer, sizeof buffer, 0) > 0) {}  // until the client closes
    ::close(peer);
  }

  SilentListener listener_;
  std::vector<std::string> pieces_;
  std::string request_;
  std::thread thread_;
};

TEST(MetricsScrape, StopsAtContentLengthOnAKeepAliveConnection) {
  // Framing as captured from a prometheus-cpp 1.0.1 Exposer (curl -v), with a shorter body.
  std::string body = "# TYPE process_open_fds gauge\nprocess_open_fds 42\nws_sessions{a=\"x\"} 2\n";
  CannedServer server({"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10),
                       body.substr(10)});
  ScrapeResult result = scrape_http(server.url("/metrics"), std::chrono::seconds(2));
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, body);
  EXPECT_EQ(find_value(parse_prometheus_text(result.body).samples, "process_open_fds"), 42);
  EXPECT_TRUE(server.request().starts_with("GET /metrics HTTP/1.1\r\n")) << server.request();
  EXPECT_NE(server.request().find("Host: 127.0.0.1:"), std::string::npos);
}

TEST(MetricsScrape, DecodesAChunkedResponse) {
  CannedServer server({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nup 1\r\n", "1\r\n\n\r\n0\r\n\r\n"});
  ScrapeResult result = scrape_http(server.url("/"), std::chrono::seconds(2));
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, "up 1\n");
}

TEST(MetricsScrape, ErrorStatusIsAFailureWithTheStatus) {
  CannedServer server({"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"});
  ScrapeResult result = scrape_http(server.url("/nothing"), std::chrono::seconds(2));
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.status, 404);
  EXPECT_NE(result.error.find("HTTP 404"), std::string::npos) << result.error;
}

TEST(MetricsScrape, ReportsRefusedAndSilentServers) {
  uint16_t closed_port;
  {
    SilentListener gone;
    closed_port = gone.port;
  }
  ScrapeResult refused = scrape_http("http://127.0.0.1:" + std::to_string(closed_port) + "/metrics",
                                     std::chrono::seconds(1));
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.error.find("refused"), std::string::npos) << refused.error;

  SilentListener silent;
  ASSERT_NE(silent.port, 0);
  auto start = std::chrono::steady_clock::now();
  ScrapeResult timed_out = scrape_http("http://127.0.0.1:" + std::to_string(silent.port) + "/metrics",
                                       std::chrono::milliseconds(100));
  EXPECT_FALSE(timed_out.ok);
  EXPECT_NE(timed_out.error.find("within 100ms"), std::string::npos) << timed_out.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace wsl
