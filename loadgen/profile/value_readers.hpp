// Reads one typed scalar (string, number, duration, rate, size, choice) from the YAML tree, reporting misfits.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "profile/read_context.hpp"

namespace wsl {

// Each reader returns nullopt after reporting an error through `ctx`.
// A null value reads as an empty string; other readers reject it.
std::optional<std::string> read_string(ReadContext& ctx, const YAML::Node& node, const std::string& path);
std::optional<std::vector<std::string>> read_string_list(ReadContext& ctx, const YAML::Node& node,
                                                         const std::string& path);
std::optional<bool> read_bool(ReadContext& ctx, const YAML::Node& node, const std::string& path);
std::optional<int64_t> read_integer(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                    int64_t min, int64_t max);
std::optional<uint64_t> read_unsigned(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                      uint64_t min = 0,
                                      uint64_t max = std::numeric_limits<uint64_t>::max());
std::optional<double> read_number(ReadContext& ctx, const YAML::Node& node, const std::string& path, double min,
                                  double max);
std::optional<Duration> read_duration(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                      bool allow_zero = true);
std::optional<double> read_rate(ReadContext& ctx, const YAML::Node& node, const std::string& path);
std::optional<uint64_t> read_size(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                  uint64_t min = 0);
std::optional<double> read_size_per_cycle(ReadContext& ctx, const YAML::Node& node, const std::string& path);

// One of `names`; returns its index, so callers can cast to an enum whose order matches.
std::optional<size_t> read_choice(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                  std::span<const std::string_view> names);

}  // namespace wsl
