// The run's Prometheus side: the /metrics endpoint, the Pushgateway pushes, and the linger after the verdict.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cli/periodic_task.hpp"
#include "metrics/metrics_endpoint.hpp"
#include "metrics/pushgateway_client.hpp"
#include "metrics/run_metrics.hpp"

namespace wsl {

class RunTelemetry {
 public:
  // Serves and pushes what the profile's `metrics` section asks for, each render filling a view with `view`.
  // False with *error set when the endpoint cannot bind or the Pushgateway URL is unusable.
  bool start(const MetricsSpec& spec, const std::string& run_id, const std::string& shard,
             RunMetrics::ViewSource view, std::string* error);

  // After the verdict: one last push, then /metrics stays up for metrics.linger unless `cut_short()`
  // becomes true (a signal). Push failures are printed as warnings: they never change the verdict.
  void finish(const std::function<bool()>& cut_short);

 private:
  void push(const char* when);

  MetricsSpec spec_;
  std::shared_ptr<RunMetrics> metrics_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
  std::unique_ptr<PushgatewayClient> pusher_;
  std::unique_ptr<PeriodicTask> push_task_;
  bool warned_push_ = false;
};

}  // namespace wsl
