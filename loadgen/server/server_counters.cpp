// Renders the echo server's counters as the one-line JSON that `wsloadgen serve` prints.
#include "server/server_counters.hpp"

namespace wsl {

std::string server_counters_json(const ServerCounters& counters) {
  std::string json = "{\"handshakes\":" + std::to_string(counters.handshakes) +
                     ",\"messages\":" + std::to_string(counters.messages_received) +
                     ",\"bytes\":" + std::to_string(counters.bytes_received) + ",\"close_codes\":{";
  bool first = true;
  for (const auto& [code, count] : counters.close_codes) {
    if (!first) json += ',';
    first = false;
    json += '"' + std::to_string(code) + "\":" + std::to_string(count);
  }
  json += "},\"closed_without_close_frame\":" + std::to_string(counters.closed_without_close_frame);
  json += ",\"close_replies_withheld\":" + std::to_string(counters.close_replies_withheld);
  json += ",\"close_replies_delayed\":" + std::to_string(counters.close_replies_delayed);
  json += ",\"held_at_stop\":" + std::to_string(counters.held_at_stop);
  json += ",\"peak_open_connections\":" + std::to_string(counters.peak_open_connections);
  json += ",\"upgrades_refused\":" + std::to_string(counters.upgrades_refused) + '}';
  return json;
}

}  // namespace wsl
