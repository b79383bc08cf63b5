// Serves the run's metrics over HTTP at metrics.listen (prometheus-cpp's Exposer) while the run lasts.
#pragma once

#include <memory>
#include <string>

#include <prometheus/collectable.h>

namespace prometheus {
class Exposer;
}

namespace wsl {

class MetricsEndpoint {
 public:
  // Binds `listen` (HOST:PORT, port 0 = any free one) and serves `metrics` at /metrics; nullptr with
  // *error set when it cannot bind.
  static std::unique_ptr<MetricsEndpoint> start(const std::string& listen,
                                                std::shared_ptr<prometheus::Collectable> metrics, std::string* error);
  ~MetricsEndpoint();

  // http://HOST:PORT/metrics with the port actually bound.
  const std::string& url() const { return url_; }

 private:
  MetricsEndpoint() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Collectable> metrics_;
  std::string url_;
};

}  // namespace wsl
