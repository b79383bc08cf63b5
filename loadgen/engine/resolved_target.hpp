// The target as workers connect to it: resolved once before the run, shared read-only by every worker.
#pragma once

#include <string>
#include <vector>

#include "profile/profile.hpp"
#include "target/url.hpp"

namespace wsl {

struct ResolvedTarget {
  TargetUrl url;
  std::string address;  // numeric IP: lws is built without async DNS, so workers never resolve names
  std::vector<std::pair<std::string, std::string>> headers;  // extra upgrade headers, values expanded
};

}  // namespace wsl
