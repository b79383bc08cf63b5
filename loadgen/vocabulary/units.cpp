// Parses and prints the unit syntax of profiles: durations, rates and sizes.
#include "vocabulary/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace wsl {
namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// A leading unsigned decimal number ("12", "1.5", "2e3"); `rest` receives what follows it.
std::optional<double> leading_number(std::string_view text, std::string_view& rest) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  rest = text.substr(static_cast<size_t>(end - text.data()));
  return value;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<double> nanoseconds_per(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us" || unit == "\xC2\xB5s") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  if (unit == "m") return 60e9;
  if (unit == "h") return 3600e9;
  return std::nullopt;
}

std::optional<double> bytes_per(std::string_view suffix) {
  std::string unit = lowercase(suffix);
  if (unit.empty() || unit == "b") return 1.0;
  if (unit == "kib") return 1024.0;
  if (unit == "mib") return 1024.0 * 1024;
  if (unit == "gib") return 1024.0 * 1024 * 1024;
  if (unit == "tib") return 1024.0 * 1024 * 1024 * 1024;
  if (unit == "kb") return 1e3;
  if (unit == "mb") return 1e6;
  if (unit == "gb") return 1e9;
  if (unit == "tb") return 1e12;
  return std::nullopt;
}

bool starts_negative(std::string_view text) { return !text.empty() && text.front() == '-'; }

}  // namespace

ParsedUnit<Duration> parse_duration(std::string_view input) {
  const std::string_view text = trimmed(input);
  const std::string expected = "expected a duration such as 500ms or 30s, got " + quoted(text);
  if (starts_negative(text)) return {std::nullopt, "a duration cannot be negative, got " + quoted(text)};
  if (text.empty()) return {std::nullopt, expected};
  long double total_ns = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::string_view after;
    auto number = leading_number(rest, after);
    if (!number) return {std::nullopt, expected};
    size_t unit_length = 0;
    while (unit_length < after.size() && !std::isdigit(static_cast<unsigned char>(after[unit_length])))
      ++unit_length;
    auto scale = nanoseconds_per(after.substr(0, unit_length));
    if (!scale) {
      if (unit_length == 0) return {std::nullopt, expected + " (a duration needs a unit: ns, us, ms, s, m or h)"};
      return {std::nullopt, expected + " (units are ns, us, ms, s, m and h)"};
    }
    total_ns += static_cast<long double>(*number) * *scale;
    rest = after.substr(unit_length);
  }
  if (total_ns > static_cast<long double>(std::numeric_limits<int64_t>::max()))
    return {std::nullopt, "duration " + quoted(text) + " is too long"};
  return {Duration(static_cast<int64_t>(std::llround(static_cast<double>(total_ns)))), {}};
}

ParsedUnit<double> parse_rate(std::string_view input) {
  const std::string_view text = trimmed(input);
  const std::string expected = "expected a rate such as 200/s, 12000/m or 10/h, got " + quoted(text);
  if (starts_negative(text)) return {std::nullopt, "a rate must be greater than zero, got " + quoted(text)};
  std::string_view rest;
  auto number = leading_number(text, rest);
  if (!number) return {std::nullopt, expected};
  double per_second = *number;
  if (rest == "/m" || rest == "/min") {
    per_second /= 60;
  } else if (rest == "/h") {
    per_second /= 3600;
  } else if (!rest.empty() && rest != "/s") {
    return {std::nullopt, expected};
  }
  if (!(per_second > 0) || !std::isfinite(per_second))
    return {std::nullopt, "a rate must be greater than zero, got " + quoted(text)};
  return {per_second, {}};
}

ParsedUnit<uint64_t> parse_size(std::string_view input) {
  const std::string_view text = trimmed(input);
  const std::string expected = "expected a size such as 128, 4KiB or 1MiB, got " + quoted(text);
  if (starts_negative(text)) return {std::nullopt, "a size cannot be negative, got " + quoted(text)};
  std::string_view rest;
  auto number = leading_number(text, rest);
  if (!number) return {std::nullopt, expected};
  auto scale = bytes_per(trimmed(rest));
  if (!scale) return {std::nullopt, expected + " (units are B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)"};
  const long double bytes = static_cast<long double>(*number) * *scale;
  if (bytes >= 18446744073709551615.0L) return {std::nullopt, "size " + quoted(text) + " is too large"};
  if (bytes != std::floor(bytes)) return {std::nullopt, "size " + quoted(text) + " is not a whole number of bytes"};
  return {static_cast<uint64_t>(bytes), {}};
}

ParsedUnit<double> parse_size_per_cycle(std::string_view input) {
  std::string_view text = trimmed(input);
  if (text.size() > 6 && text.substr(text.size() - 6) == "/cycle") text.remove_suffix(6);
  auto size = parse_size(text);
  if (!size.value)
    return {std::nullopt, "expected a size per cycle such as 1MiB/cycle, got " + quoted(trimmed(input))};
  return {static_cast<double>(*size.value), {}};
}

std::string format_number(double value) {
  char buffer[400];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (ec != std::errc()) return std::to_string(value);
  return std::string(buffer, end);
}

std::string format_duration(Duration d) {
  struct Unit {
    int64_t ns;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{3'600'000'000'000, "h"}, {60'000'000'000, "m"}, {1'000'000'000, "s"},
                                    {1'000'000, "ms"},         {1'000, "us"},          {1, "ns"}};
  const int64_t ns = d.count();
  if (ns == 0) return "0s";
  for (const Unit& unit : kUnits)
    if (ns % unit.ns == 0) return std::to_string(ns / unit.ns) + unit.name;
  return std::to_string(ns) + "ns";
}

std::string format_rate(double per_second) { return format_number(per_second) + "/s"; }

std::string format_size(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"TiB", "GiB", "MiB", "KiB"};
  if (bytes == 0) return "0";
  for (int i = 0; i < 4; ++i) {
    const uint64_t scale = 1ull << (10 * (4 - i));
    if (bytes % scale == 0) return std::to_string(bytes / scale) + kUnits[i];
  }
  return std::to_string(bytes);
}

std::string format_size_per_cycle(double bytes) {
  if (bytes >= 0 && bytes < 1.8e19 && bytes == std::floor(bytes))
    return format_size(static_cast<uint64_t>(bytes)) + "/cycle";
  return format_number(bytes) + "/cycle";
}

}  // namespace wsl
