// The run's Prometheus side: the /metrics endpoint, the Pushgateway pushes, and the linger after the verdict.
#include "cli/run_telemetry.hpp"

#include <iostream>

#include "cli/interruptible_wait.hpp"
#include "vocabulary/units.hpp"

namespace wsl {

bool RunTelemetry::start(const MetricsSpec& spec, const std::string& run_id, const std::string& shard,
                         RunMetrics::ViewSource view, std::string* error) {
  spec_ = spec;
  metrics_ = std::make_shared<RunMetrics>(std::move(view));
  if (spec.listen != "off") {
    endpoint_ = MetricsEndpoint::start(spec.listen, metrics_, error);
    if (!endpoint_) return false;
    // Said on stderr so that with port 0 a scraper (or a test) can find where the metrics are.
    std::cerr << "wsloadgen: metrics: " << endpoint_->url() << "\n";
  }
  if (!spec.pushgateway.url.empty()) {
    pusher_ = PushgatewayClient::create(spec.pushgateway.url, spec.pushgateway.job, run_id, shard, metrics_, error);
    if (!pusher_) return false;
    push_task_ = std::make_unique<PeriodicTask>(spec.pushgateway.interval, [this] { push("interval"); });
  }
  return true;
}

void RunTelemetry::push(const char* when) {
  const std::string failure = pusher_->push();
  // The first failure is said; repeating it every interval would drown the progress line.
  if (!failure.empty() && (!warned_push_ || std::string_view(when) == "final")) {
    std::cerr << "wsloadgen: warning: " << when << " " << failure << "\n";
    warned_push_ = true;
  }
}

void RunTelemetry::finish(const std::function<bool()>& cut_short) {
  if (push_task_) push_task_->stop();
  if (pusher_) push("final");
  if (!endpoint_ || spec_.linger <= Duration::zero()) return;
  std::cerr << "wsloadgen: serving the final metrics at " << endpoint_->url() << " for "
            << format_duration(spec_.linger) << "\n";
  wait_unless(spec_.linger, cut_short);
}

}  // namespace wsl
