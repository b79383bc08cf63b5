// Expands ${VAR} references from the environment in the profile values that allow them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "profile/load_profile.hpp"

namespace wsl {

struct Expansion {
  std::string value;
  bool used_environment = false;    // some ${VAR} was substituted: treat the value as a secret
  std::vector<std::string> errors;  // unset variables, unterminated or malformed references
};

// `${NAME}` is replaced by the variable's value; `$${` stands for a literal `${`; any other `$` is kept.
Expansion expand_environment(std::string_view text, const EnvLookup& env);

}  // namespace wsl
