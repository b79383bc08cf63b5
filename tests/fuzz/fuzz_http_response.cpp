// Fuzz target: the HTTP/1.1 response parser of the metrics scrape, on every kind of prefix a server could send.
// Input layout: byte 0 picks the body limit and whether the peer closed, the rest is what the server sent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "monitor/http_response.hpp"
#include "monitor/prometheus_text.hpp"

namespace {

// What must hold of any single parse.
void check_one(const wsl::HttpResponse& r, size_t received, size_t max_body) {
  switch (r.state) {
    case wsl::HttpResponseState::complete:
      FUZZ_CHECK(r.status >= 100 && r.status <= 999);
      FUZZ_CHECK(r.body.size() <= max_body && r.body.size() <= received);
      FUZZ_CHECK(r.error.empty());
      break;
    case wsl::HttpResponseState::invalid:
      FUZZ_CHECK(!r.error.empty());
      break;
    case wsl::HttpResponseState::incomplete:
      FUZZ_CHECK(r.error.empty());
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool peer_closed = data[0] & 1;
  const size_t max_body = (data[0] & 2) ? wsl::kMaxScrapeBody : size_t(data[0] >> 2);
  const std::string received(reinterpret_cast<const char*>(data) + 1, size - 1);  // exact size for ASan

  const wsl::HttpResponse full = wsl::parse_http_response(received, peer_closed, max_body);
  check_one(full, received.size(), max_body);

  // While the connection is open, more bytes never undo a verdict: a prefix that was complete or invalid
  // stays so (with the same body), because the scraper stops reading at the first decided prefix.
  if (!peer_closed) {
    for (size_t cut : {received.size() / 3, received.size() / 2, received.size() - received.size() / 5}) {
      const wsl::HttpResponse prefix = wsl::parse_http_response(received.substr(0, cut), false, max_body);
      check_one(prefix, cut, max_body);
      if (prefix.state != wsl::HttpResponseState::incomplete) {
        FUZZ_CHECK(full.state == prefix.state);
        FUZZ_CHECK(full.body == prefix.body && full.status == prefix.status);
      }
    }
  }

  // A body that came through is what the monitor hands to the Prometheus text parser.
  if (full.state == wsl::HttpResponseState::complete) {
    const wsl::MetricsParse parsed = wsl::parse_prometheus_text(full.body);
    FUZZ_CHECK(parsed.malformed_lines >= 0);
  }
  return 0;
}
