// What the profile reader carries while it walks the YAML tree: the errors so far and where each key was.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "profile/load_profile.hpp"

namespace wsl {

// A --set override that replaced the subtree at `key_path`; errors inside it are reported against it.
struct OverrideOrigin {
  std::string key_path;
  std::string text;  // the whole "KEY=VALUE", quoted in messages
};

class ReadContext {
 public:
  ReadContext(std::string file, std::vector<OverrideOrigin> overrides, EnvLookup env);

  // Reports a problem with the value at `node`.
  void error(const YAML::Node& node, const std::string& path, const std::string& message);
  // Reports a problem at an explicit position of the file.
  void error_at(const YAML::Mark& mark, const std::string& path, const std::string& message);
  // Reports a problem found after reading, at the position remembered for `path` (or its nearest parent).
  void error_at_path(const std::string& path, const std::string& message);

  // Remembers where the key at `path` was written, for error_at_path.
  void remember(const std::string& path, const YAML::Mark& mark);

  const EnvLookup& env() const { return env_; }
  const std::vector<ProfileError>& errors() const { return errors_; }
  std::vector<ProfileError> take_errors() { return std::move(errors_); }

 private:
  const OverrideOrigin* override_covering(const std::string& path) const;

  std::string file_;
  std::vector<OverrideOrigin> overrides_;
  EnvLookup env_;
  std::map<std::string, YAML::Mark> locations_;
  std::vector<ProfileError> errors_;
};

std::string child_path(const std::string& parent, std::string_view key);
std::string item_path(const std::string& parent, size_t index);

using EntryVisitor = std::function<void(const std::string& key, const YAML::Node& value, const std::string& path)>;

// Visits every entry of the mapping `node` whose key is one of `known`; reports any other key as unknown,
// with a did-you-mean. A null node counts as an empty mapping; anything else that is not a mapping is an error.
void for_each_entry(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                    std::span<const std::string_view> known, const EntryVisitor& visit);

// Visits every entry of a mapping whose keys are free-form names (headers, labels).
void for_each_named_entry(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                          const EntryVisitor& visit);

// Visits every item of the sequence `node` (null counts as empty); reports a non-sequence.
void for_each_item(ReadContext& ctx, const YAML::Node& node, const std::string& path, const char* what,
                   const std::function<void(const YAML::Node& item, const std::string& path, size_t index)>& visit);

}  // namespace wsl
