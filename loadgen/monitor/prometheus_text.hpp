// Parses the Prometheus text exposition format (0.0.4) that a server under test exposes on /metrics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsl {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

struct MetricSample {
  std::string name;
  MetricLabels labels;  // in the order written, escapes decoded
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

struct MetricsParse {
  std::vector<MetricSample> samples;
  int64_t malformed_lines = 0;  // skipped, so one bad line does not hide the rest of a scrape
};

// Parses a whole scrape body; never throws, whatever the bytes (the server may be broken or hostile).
// Comments, HELP and TYPE lines are skipped; CRLF line ends are accepted; values take Go's spellings
// (NaN, +Inf, -Inf, Inf, case-insensitive, exponents).
MetricsParse parse_prometheus_text(std::string_view text);

// The value of `name`, summed over every series whose labels include all of `matchers`; with no matchers, the
// sum of all its series (so `process_open_fds` works whether or not the exporter adds labels).
// nullopt when no series matches. Histograms and summaries are addressed by their suffixed names
// (`x_bucket`, `x_sum`, `x_count`) with `le`/`quantile` as matchers.
std::optional<double> find_value(const std::vector<MetricSample>& samples, std::string_view name,
                                 const MetricLabels& matchers = {});

}  // namespace wsl
