// Turns a MetricsView into Prometheus metric families: pure, so every series is unit-tested without a socket.
#pragma once

#include <vector>

#include <prometheus/metric_family.h>

#include "metrics/metrics_view.hpp"

namespace wsl {

// The upper bounds (seconds) of every latency histogram's buckets: 100 µs to 5 min, roughly 1-2.5-5 steps.
extern const std::vector<double> kLatencyBucketBounds;

// Every family of metric_catalogue.hpp that has something to say, each series carrying the view's
// constant labels. Label sets that dashboards sum over (patterns of the mix, outcomes, TCP states,
// common error reasons) are present from the start at 0, so rate() sees their first increase.
std::vector<prometheus::MetricFamily> metric_families(const MetricsView& view);

}  // namespace wsl
