// The target as workers connect to it: resolved once before the run, shared read-only by every worker.
#pragma once

#include <string>
#include <vector>

#include "profile/profile.hpp"
#include "target/url.hpp"

namespace wsl {

struct ResolvedTarget {
  TargetUrl url;
  std::string address;  // numeric IP, resolved before the run: workers never block on DNS
  std::vector<std::pair<std::string, std::string>> headers;  // extra upgrade headers, values expanded
};

}  // namespace wsl
