// Pushes the run's metrics to a Prometheus Pushgateway (prometheus-cpp's Gateway), grouped by job, run_id and shard.
#include "metrics/pushgateway_client.hpp"

#include <exception>

#include <prometheus/gateway.h>

namespace wsl {

std::optional<PushgatewayAddress> parse_pushgateway_url(const std::string& url, std::string* error) {
  const size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    *error = "pushgateway url \"" + url + "\" must start with http:// or https://";
    return std::nullopt;
  }
  std::string authority = url.substr(scheme_end + 3);
  if (const size_t slash = authority.find('/'); slash != std::string::npos) {
    if (slash + 1 != authority.size()) {
      *error = "pushgateway url \"" + url + "\" has a path; give only http(s)://HOST[:PORT]";
      return std::nullopt;
    }
    authority.resize(slash);
  }
  PushgatewayAddress address{scheme + "://" + authority, scheme == "https" ? "443" : "80"};
  // A port is what follows the last ':' unless that ':' is inside an IPv6 literal's brackets.
  const size_t colon = authority.rfind(':');
  const size_t bracket = authority.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    address.scheme_and_host = scheme + "://" + authority.substr(0, colon);
    address.port = authority.substr(colon + 1);
  }
  if (authority.empty() || address.scheme_and_host.size() == scheme.size() + 3 || address.port.empty()) {
    *error = "pushgateway url \"" + url + "\" has no host or an empty port";
    return std::nullopt;
  }
  return address;
}

std::unique_ptr<PushgatewayClient> PushgatewayClient::create(const std::string& url, const std::string& job,
                                                             const std::string& run_id, const std::string& shard,
                                                             std::shared_ptr<prometheus::Collectable> metrics,
                                                             std::string* error) {
  auto address = parse_pushgateway_url(url, error);
  if (!address) return nullptr;
  std::unique_ptr<PushgatewayClient> client(new PushgatewayClient());
  client->url_ = url;
  client->metrics_ = std::move(metrics);
  try {
    // The grouping key: each shard of each run is its own group, so shards never overwrite each other.
    client->gateway_ = std::make_unique<prometheus::Gateway>(address->scheme_and_host, address->port, job,
                                                             prometheus::Labels{{"run_id", run_id}, {"shard", shard}});
  } catch (const std::exception& e) {
    *error = "cannot push to " + url + ": " + e.what();
    return nullptr;
  }
  client->gateway_->RegisterCollectable(client->metrics_);
  return client;
}

PushgatewayClient::~PushgatewayClient() = default;

std::string PushgatewayClient::push() {
  const int status = gateway_->Push();
  if (status >= 200 && status < 300) return "";
  if (status < 0) return "push to " + url_ + " failed: no connection";
  return "push to " + url_ + " failed: HTTP status " + std::to_string(status);
}

}  // namespace wsl
