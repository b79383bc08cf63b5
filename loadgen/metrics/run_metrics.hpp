// The run's metrics as a prometheus-cpp Collectable: each scrape or push renders a fresh MetricsView.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>

#include "metrics/metric_families.hpp"

namespace wsl {

// Rendering at collection time instead of updating a Registry's metrics keeps the workers free of
// any metric calls: they publish their stats a few times a second, and a scrape reads those.
class RunMetrics final : public prometheus::Collectable {
 public:
  using ViewSource = std::function<void(MetricsView&)>;
  explicit RunMetrics(ViewSource fill_view) : fill_view_(std::move(fill_view)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    // On the heap: a view holds whole histograms, too big for the HTTP server's small thread stacks.
    auto view = std::make_unique<MetricsView>();
    fill_view_(*view);
    return metric_families(*view);
  }

 private:
  ViewSource fill_view_;
};

}  // namespace wsl
