// Fuzz target: the Prometheus text parser and the lookup the monitor does on a scraped /metrics body.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "monitor/prometheus_text.hpp"

namespace {

bool is_name(std::string_view name, bool allow_colon) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    (allow_colon && c == ':');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);  // exact size for ASan
  const wsl::MetricsParse parsed = wsl::parse_prometheus_text(text);

  // Every line is a sample, a malformed line, or skipped (blank, comment): never more than there are lines.
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  lines += !text.empty() && text.back() != '\n';
  FUZZ_CHECK(parsed.malformed_lines >= 0);
  FUZZ_CHECK(parsed.samples.size() + size_t(parsed.malformed_lines) <= lines);

  for (const wsl::MetricSample& sample : parsed.samples) {
    FUZZ_CHECK(is_name(sample.name, true));
    for (const auto& [label, value] : sample.labels) FUZZ_CHECK(is_name(label, false));
    // A sample that was parsed can be found again, with and without its own labels as matchers.
    const auto any = wsl::find_value(parsed.samples, sample.name);
    const auto exact = wsl::find_value(parsed.samples, sample.name, sample.labels);
    FUZZ_CHECK(any.has_value() && exact.has_value());
  }
  return 0;
}
