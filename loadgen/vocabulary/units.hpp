// Parses and prints the unit syntax of profiles: durations (30s), rates (200/s) and sizes (4KiB).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vocabulary/duration.hpp"

namespace wsl {

// A parsed value, or a message saying what was expected and what was found.
template <typename T>
struct ParsedUnit {
  std::optional<T> value;
  std::string error;
};

// `500ms`, `30s`, `5m`, `2h`, `1.5s`, `250us`, `10ns`, and sums such as `1m30s`; a bare number is an error.
ParsedUnit<Duration> parse_duration(std::string_view text);

// `200/s`, `12000/m`, `10/h`; a bare number means per second. Returns events per second, always > 0.
ParsedUnit<double> parse_rate(std::string_view text);

// `128`, `128B`, `4KiB`, `1MiB`, `1GiB`, `1TiB` (1024-based) or `4KB`, `1MB`, `1GB`, `1TB` (1000-based).
ParsedUnit<uint64_t> parse_size(std::string_view text);

// A size per cycle: `1MiB/cycle`, or a plain size meaning the same. Returns bytes per cycle.
ParsedUnit<double> parse_size_per_cycle(std::string_view text);

// Shortest forms that parse back to exactly the same value.
std::string format_duration(Duration d);
std::string format_rate(double per_second);
std::string format_size(uint64_t bytes);
std::string format_size_per_cycle(double bytes);
std::string format_number(double value);

}  // namespace wsl
