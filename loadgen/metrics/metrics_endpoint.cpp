// Serves the run's metrics over HTTP at metrics.listen (prometheus-cpp's Exposer) while the run lasts.
#include "metrics/metrics_endpoint.hpp"

#include <exception>

#include <prometheus/exposer.h>

namespace wsl {
namespace {

// civetweb wants IPv6 hosts in brackets; the profile accepts both ::1:9464 and [::1]:9464.
std::string civetweb_address(const std::string& host, const std::string& port) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]:" + port;
  return host + ":" + port;
}

}  // namespace

std::unique_ptr<MetricsEndpoint> MetricsEndpoint::start(const std::string& listen,
                                                        std::shared_ptr<prometheus::Collectable> metrics,
                                                        std::string* error) {
  const size_t colon = listen.rfind(':');
  const std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  try {
    // One serving thread is plenty for a scraper or two, and keeps the generator's own footprint small.
    endpoint->exposer_ = std::make_unique<prometheus::Exposer>(civetweb_address(host, port), 1);
  } catch (const std::exception& e) {
    *error = "cannot serve metrics at " + listen + " (" + e.what() +
             "); choose another address with --metrics-listen HOST:PORT (port 0 picks a free one) or turn it off "
             "with --metrics-listen off";
    return nullptr;
  }
  endpoint->metrics_ = std::move(metrics);
  endpoint->exposer_->RegisterCollectable(endpoint->metrics_);
  const auto ports = endpoint->exposer_->GetListeningPorts();
  const std::string bound = ports.empty() ? port : std::to_string(ports.front());
  endpoint->url_ = "http://" + civetweb_address(host, bound) + "/metrics";
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace wsl
