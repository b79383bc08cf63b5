// Applies `--set KEY=VALUE` overrides to the profile's YAML tree before it is read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "profile/load_profile.hpp"
#include "profile/read_context.hpp"

namespace wsl {

// One step of a key path: a mapping key, or a list index.
struct KeyStep {
  std::string key;
  std::optional<size_t> index;
};

// "phases[0].connect_rate" → [phases, [0], connect_rate]; nullopt when malformed.
std::optional<std::vector<KeyStep>> parse_key_path(std::string_view path);
// The canonical spelling of a key path, as the reader names keys in errors.
std::string key_path_string(const std::vector<KeyStep>& steps);

struct OverrideResult {
  std::vector<OverrideOrigin> applied;  // in order, for locating later errors
  std::vector<ProfileError> errors;     // overrides that could not be applied
};

// Sets each KEY (a key path) to VALUE parsed as YAML, in order. Missing mapping keys are created;
// a list index that does not exist is an error. `root` becomes a mapping if it was empty.
OverrideResult apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides);

}  // namespace wsl
