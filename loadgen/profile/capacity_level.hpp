// A level of what a capacity run raises (capacity.of), written for people: steps are named after it.
#pragma once

#include <string>

#include "profile/profile.hpp"

namespace wsl {

// "5000" connections or "350/s" opens per second, for step names, messages and tables.
std::string level_label(CapacityQuantity of, double level);

}  // namespace wsl
