// Readers that turn one section of the profile's YAML tree into its part of the Profile, defaults kept.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "profile/read_context.hpp"

namespace wsl {

// Each reader leaves the defaults in place for absent keys and reports every problem through `ctx`.
void read_target(ReadContext& ctx, const YAML::Node& node, const std::string& path, TargetSpec& target);
void read_phases(ReadContext& ctx, const YAML::Node& node, const std::string& path, std::vector<Phase>& phases);
void read_session(ReadContext& ctx, const YAML::Node& node, const std::string& path, SessionSpec& session);
void read_close(ReadContext& ctx, const YAML::Node& node, const std::string& path, CloseSpec& close);
void read_monitor(ReadContext& ctx, const YAML::Node& node, const std::string& path, MonitorSpec& monitor);
void read_checks(ReadContext& ctx, const YAML::Node& node, const std::string& path, Checks& checks);
void read_capacity(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                   std::optional<CapacitySearch>& capacity);
void read_metrics(ReadContext& ctx, const YAML::Node& node, const std::string& path, MetricsSpec& metrics);

// A close mix: a non-empty list of weighted close patterns. Nullopt after errors.
std::optional<std::vector<CloseChoice>> read_close_mix(ReadContext& ctx, const YAML::Node& node,
                                                       const std::string& path);

// The whole profile; `default_name` is used when the profile has no `name`.
Profile read_profile(ReadContext& ctx, const YAML::Node& root, const std::string& default_name);

}  // namespace wsl
