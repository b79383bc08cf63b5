// The labels that tell one run (and one shard of it) from another on every series: run_id, shard, the profile's own.
#pragma once

#include <ctime>
#include <map>
#include <string>

#include "profile/profile.hpp"

namespace wsl {

// "<profile name>-<UTC time as 20261125T093000Z>", with characters a Pushgateway URL cannot carry
// replaced by '_', so shards started together with the same profile agree unless told otherwise.
std::string default_run_id(const std::string& profile_name, std::time_t started);

// metrics.labels plus run_id and shard (the shard index, "0" when not sharded).
std::map<std::string, std::string> constant_labels(const MetricsSpec& metrics, const std::string& run_id,
                                                   uint32_t shard_index);

}  // namespace wsl
