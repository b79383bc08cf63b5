// One observation of the server under test, and the named resource values the leak verdict judges.
#include "monitor/resource_sample.hpp"

namespace wsl {

std::map<std::string, double> resource_values(const ResourceSample& sample) {
  std::map<std::string, double> values;
  if (sample.process && sample.process->alive) {
    const ProcessSample& p = *sample.process;
    if (p.open_fds >= 0) values["fds"] = double(p.open_fds);
    if (p.socket_fds >= 0) values["socket_fds"] = double(p.socket_fds);
    if (p.rss_bytes >= 0) values["rss"] = double(p.rss_bytes);
    if (p.threads >= 0) values["threads"] = double(p.threads);
    if (p.rss_peak_bytes >= 0) values["rss_peak"] = double(p.rss_peak_bytes);
    if (p.cpu_seconds >= 0) values["cpu_seconds"] = p.cpu_seconds;
  }
  if (sample.sockets) {
    const SocketStateCounts& s = *sample.sockets;
    values["sockets.established"] = double(s.established);
    values["sockets.syn_recv"] = double(s.syn_recv);
    values["sockets.fin_wait1"] = double(s.fin_wait1);
    values["sockets.fin_wait2"] = double(s.fin_wait2);
    values["sockets.time_wait"] = double(s.time_wait);
    values["sockets.close_wait"] = double(s.close_wait);
    values["sockets.last_ack"] = double(s.last_ack);
  }
  if (sample.sockets_owned) values["sockets"] = double(*sample.sockets_owned);
  for (const auto& [name, value] : sample.scraped) values["scrape:" + name] = value;
  return values;
}

}  // namespace wsl

namespace wsl {

bool is_observed_only(const std::string& resource) { return resource == "rss_peak" || resource == "cpu_seconds"; }

}  // namespace wsl
