// A capacity level as people read it.
#include "profile/capacity_level.hpp"

#include <cmath>
#include <cstdio>

namespace wsl {

std::string level_label(CapacityQuantity of, double level) {
  char text[48];
  switch (of) {
    case CapacityQuantity::connections:
      std::snprintf(text, sizeof text, "%.0f", level);
      return text;
    case CapacityQuantity::connect_rate:
      std::snprintf(text, sizeof text, level == std::floor(level) ? "%.0f/s" : "%.1f/s", level);
      return text;
  }
  return "";
}

}  // namespace wsl
