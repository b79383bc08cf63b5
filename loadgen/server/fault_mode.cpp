// Parsing and validation of the reference server's `--fault` words (pure, no I/O).
#include "server/fault_mode.hpp"

#include "vocabulary/units.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace wsl {
namespace {

constexpr std::string_view kSlowClosePrefix = "slow-close=";
constexpr std::string_view kLeakMemoryPrefix = "leak-memory=";
constexpr std::string_view kMaxConnectionsPrefix = "max-connections=";

// Reads `500ms`, `2s`, `1m`, `1h` (a whole number and a unit); the profile units are richer, but a
// fault only ever needs a plain delay.
std::optional<std::chrono::milliseconds> parse_delay(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  std::int64_t value = 0;
  for (size_t i = 0; i < digits; ++i) value = value * 10 + (text[i] - '0');
  std::string_view unit = text.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "s") return std::chrono::milliseconds(value * 1000);
  if (unit == "m") return std::chrono::milliseconds(value * 60'000);
  if (unit == "h") return std::chrono::milliseconds(value * 3'600'000);
  return std::nullopt;
}

bool parse_one(const std::string& name, FaultModes* out, std::string* error) {
  if (name == "no-close-reply") {
    out->no_close_reply = true;
  } else if (name == "no-ping-timeout") {
    out->no_ping_timeout = true;
  } else if (name == "leak-on-abort") {
    out->leak_on_abort = true;
  } else if (name.starts_with(kSlowClosePrefix)) {
    auto delay = parse_delay(std::string_view(name).substr(kSlowClosePrefix.size()));
    if (!delay) {
      *error = "--fault " + name + ": expected a duration such as 500ms, 2s or 1m after slow-close=";
      return false;
    }
    out->slow_close = *delay;
  } else if (name.starts_with(kLeakMemoryPrefix)) {
    auto size = parse_size(std::string_view(name).substr(kLeakMemoryPrefix.size()));
    if (!size.value || *size.value == 0) {
      *error = "--fault " + name + ": expected a size such as 64KiB or 1MiB after leak-memory=";
      return false;
    }
    out->leak_memory = *size.value;
  } else if (name.starts_with(kMaxConnectionsPrefix)) {
    const std::string_view digits = std::string_view(name).substr(kMaxConnectionsPrefix.size());
    uint64_t limit = 0;
    const bool whole = !digits.empty() && digits.size() <= 9 &&
                       std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit((unsigned char)c); });
    if (whole) for (char c : digits) limit = limit * 10 + uint64_t(c - '0');
    if (!whole || limit == 0) {
      *error = "--fault " + name + ": expected a number of connections of at least 1 after max-connections=";
      return false;
    }
    out->max_connections = limit;
  } else if (name == "slow-close") {
    *error = "--fault slow-close needs a duration, e.g. slow-close=2s";
    return false;
  } else {
    *error = "--fault " + name + ": unknown fault; known faults are " + known_fault_names();
    return false;
  }
  return true;
}

}  // namespace

std::string known_fault_names() {
  return "no-close-reply, slow-close=DURATION, no-ping-timeout, leak-on-abort, leak-memory=SIZE, "
         "max-connections=N";
}

bool parse_fault_modes(const std::vector<std::string>& names, FaultModes* out, std::string* error) {
  FaultModes parsed;
  for (const auto& name : names) {
    if (!parse_one(name, &parsed, error)) return false;
  }
  if (parsed.no_close_reply && parsed.slow_close) {
    *error = "--fault no-close-reply and --fault slow-close contradict each other; choose one";
    return false;
  }
  *out = parsed;
  return true;
}

std::vector<std::string> unimplemented_faults(const FaultModes&) {
  // Every fault is enacted now (the Close faults by taking the socket over from libwebsockets); the
  // hook stays so a future fault can be parsed before the server learns to enact it.
  return {};
}

}  // namespace wsl
