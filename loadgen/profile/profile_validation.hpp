// Rules that span several keys of a read profile (conflicting phase keys, min above max, ...).
#pragma once

#include <string>
#include <vector>

#include "profile/profile.hpp"

namespace wsl {

struct ProfileIssue {
  std::string key_path;  // the key to point the user at
  std::string message;
};

// Every cross-key problem of `profile`; single values were already checked while reading.
std::vector<ProfileIssue> validate_profile(const Profile& profile);

}  // namespace wsl
