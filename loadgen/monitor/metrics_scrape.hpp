// Fetches a server's /metrics page with one plain blocking HTTP/1.1 GET (no TLS, no library), within a deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "monitor/client_end.hpp"

namespace wsl {

struct ScrapeResult {
  bool ok = false;    // a complete 2xx response arrived in time
  int status = 0;     // the HTTP status, 0 when none arrived
  std::string body;   // decoded body when ok
  std::string error;  // one line saying what failed when not ok
  // Our end of the connection, once one was made (even if the exchange then failed): the server's socket for it
  // is the monitor's own, not the load's (OwnConnections).
  std::optional<ClientEnd> local_end;
};

// GET `url` ("http://host:port/path"); the whole exchange — name lookup excepted — must finish within `timeout`.
// The name lookup is a blocking getaddrinfo: pass an address to keep the deadline exact.
ScrapeResult scrape_http(std::string_view url, std::chrono::milliseconds timeout);

}  // namespace wsl
