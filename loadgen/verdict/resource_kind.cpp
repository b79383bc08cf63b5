// Resource names to leak rules and units, and the number formatting the verdict reasons use.
#include "verdict/resource_kind.hpp"

#include <cmath>
#include <cstdio>

#include "vocabulary/human_units.hpp"

namespace wsl {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// Scraped names may carry a "scrape:" prefix and label selectors; the rules look only at the bare metric name.
std::string_view metric_name(std::string_view name) {
  if (name.rfind("scrape:", 0) == 0) name.remove_prefix(7);
  const auto brace = name.find('{');
  return brace == std::string_view::npos ? name : name.substr(0, brace);
}

std::string plain_number(double value) {
  value += 0.0;  // turns -0 into +0, so a zero change is written "+0" rather than "+-0"
  char buf[48];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else if (std::fabs(value) >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", value);
  }
  return buf;
}

// Scraped gauges that count things a server must give back, judged like fds: goroutines, threads, handles, ...
bool names_a_count(std::string_view metric) {
  for (std::string_view part : {"goroutines", "threads", "handles", "timers", "tasks", "open_fds", "sockets", "connections"})
    if (contains(metric, part)) return true;
  return false;
}

}  // namespace

ResourceKind classify_resource(std::string_view name) {
  const std::string_view metric = metric_name(name);
  if (metric == "sockets.close_wait") return ResourceKind::close_wait;
  if (metric == "fds" || metric == "sockets" || metric == "sockets.established" || metric == "threads")
    return ResourceKind::fd_count;
  if (metric.rfind("sockets.", 0) == 0) return ResourceKind::kernel_timed;
  if (metric == "rss" || contains(metric, "resident_memory")) return ResourceKind::memory_bytes;
  for (std::string_view suffix : {"_total", "_count", "_sum", "_bucket", "_created"}) {
    if (ends_with(metric, suffix)) return ResourceKind::counter;
  }
  if (ends_with(metric, "_bytes")) return ResourceKind::memory_bytes;
  if (names_a_count(metric)) return ResourceKind::fd_count;
  return ResourceKind::gauge;
}

AmountUnit unit_of(std::string_view name, ResourceKind kind) {
  switch (kind) {
    case ResourceKind::memory_bytes:
      return AmountUnit::bytes;
    case ResourceKind::fd_count:
    case ResourceKind::close_wait:
    case ResourceKind::kernel_timed:
      return AmountUnit::count;
    case ResourceKind::counter:
    case ResourceKind::gauge:
      break;
  }
  return ends_with(metric_name(name), "_bytes") ? AmountUnit::bytes : AmountUnit::plain;
}

std::string format_amount(AmountUnit unit, double value) {
  if (!std::isfinite(value)) return "n/a";
  if (unit == AmountUnit::bytes) {
    const std::string magnitude = human_bytes(static_cast<uint64_t>(std::llround(std::fabs(value))));
    return value < 0 ? "-" + magnitude : magnitude;
  }
  return plain_number(value);
}

std::string format_change(AmountUnit unit, double change) {
  if (!std::isfinite(change)) return format_amount(unit, change);
  return change < 0 ? format_amount(unit, change) : "+" + format_amount(unit, change);
}

}  // namespace wsl
