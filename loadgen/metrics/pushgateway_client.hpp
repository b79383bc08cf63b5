// Pushes the run's metrics to a Prometheus Pushgateway (prometheus-cpp's Gateway), grouped by job, run_id and shard.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <prometheus/collectable.h>

namespace prometheus {
class Gateway;
}

namespace wsl {

// What prometheus-cpp's Gateway wants: the scheme and host, and the port, separately.
struct PushgatewayAddress {
  std::string scheme_and_host;  // "http://127.0.0.1", "https://[::1]"
  std::string port;             // explicit, or the scheme's default
};

// http(s)://HOST[:PORT][/]; nullopt with *error set otherwise (the Gateway cannot push under a path prefix).
std::optional<PushgatewayAddress> parse_pushgateway_url(const std::string& url, std::string* error);

class PushgatewayClient {
 public:
  // nullptr with *error set when the URL cannot be used.
  static std::unique_ptr<PushgatewayClient> create(const std::string& url, const std::string& job,
                                                   const std::string& run_id, const std::string& shard,
                                                   std::shared_ptr<prometheus::Collectable> metrics,
                                                   std::string* error);
  ~PushgatewayClient();

  // Replaces the group's metrics (HTTP PUT); "" on success, else why it failed.
  std::string push();

 private:
  PushgatewayClient() = default;
  std::string url_;
  std::shared_ptr<prometheus::Collectable> metrics_;
  std::unique_ptr<prometheus::Gateway> gateway_;
};

}  // namespace wsl
