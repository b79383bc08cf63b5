// Prometheus text for the Boost.Beast echo server's GET /metrics: /proc/self and glibc's malloc.
#pragma once

#include <string>

namespace wsecho {

std::string metrics_text();

}  // namespace wsecho
