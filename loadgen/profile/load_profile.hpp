// Turns a profile file plus command-line overrides into a validated Profile, or a list of precise errors.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "profile/profile.hpp"

namespace wsl {

// One problem in the input, located as precisely as the input allows.
struct ProfileError {
  std::string file;      // profile path, or "--set" for an override
  int line = 0;          // 1-based; 0 when unknown
  int column = 0;        // 1-based; 0 when unknown
  std::string key_path;  // e.g. "phases[0].connect_rate"
  std::string message;   // what was expected / what is wrong, with a did-you-mean when one fits

  // "profiles/x.yaml:12:5: phases[0].conect_rate: unknown key, did you mean connect_rate?"
  std::string to_string() const;
};

// Looks up an environment variable for ${VAR} expansion; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

struct ProfileLoadResult {
  std::optional<Profile> profile;    // set only when `errors` is empty
  std::vector<ProfileError> errors;  // all problems found, not just the first
};

// Reads `path`, applies each "KEY=VALUE" override in order (a KEY is a key path such as
// "phases[0].connect_rate" or "close.mix[1].weight"), expands ${VAR}, applies defaults and validates.
ProfileLoadResult load_profile_file(const std::string& path, const std::vector<std::string>& overrides,
                                    const EnvLookup& env);

// Same, from YAML text already in memory (`display_name` is used in error messages).
ProfileLoadResult load_profile_text(const std::string& yaml_text, const std::string& display_name,
                                    const std::vector<std::string>& overrides, const EnvLookup& env);

// The resolved profile as YAML, every default filled in and secrets redacted; `validate` prints this.
std::string render_resolved_profile(const Profile& profile);

}  // namespace wsl
