// The labels that tell one run (and one shard of it) from another on every series: run_id, shard, the profile's own.
#include "metrics/run_identity.hpp"

#include <cctype>

namespace wsl {

std::string default_run_id(const std::string& profile_name, std::time_t started) {
  std::string id;
  for (char c : profile_name.substr(0, 40))
    id += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') ? c : '_';
  if (id.empty()) id = "run";
  std::tm utc{};
  gmtime_r(&started, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return id + "-" + stamp;
}

std::map<std::string, std::string> constant_labels(const MetricsSpec& metrics, const std::string& run_id,
                                                   uint32_t shard_index) {
  std::map<std::string, std::string> labels = metrics.labels;
  labels["run_id"] = run_id;
  labels["shard"] = std::to_string(shard_index);
  return labels;
}

}  // namespace wsl
