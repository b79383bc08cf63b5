// Formats durations and byte sizes for people: auto-scaled units, about three significant digits.
#pragma once

#include <cstdint>
#include <string>

#include "vocabulary/duration.hpp"

namespace wsl {

// "0s", "850ns", "812µs", "3.41ms", "1.20s", "59.9s", "2m05s", "1h02m" (negative values get a "-").
std::string human_duration(Duration d);

// "0B", "512B", "4.00KiB", "1.50MiB", "15.0GiB" (binary units, matching the profile's size syntax).
std::string human_bytes(uint64_t bytes);

}  // namespace wsl
