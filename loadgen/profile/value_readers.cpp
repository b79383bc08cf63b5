// Reads one typed scalar (string, number, duration, rate, size, choice) from the YAML tree, reporting misfits.
#include "profile/value_readers.hpp"

#include <charconv>
#include <cmath>

#include "profile/did_you_mean.hpp"
#include "vocabulary/units.hpp"

namespace wsl {
namespace {

// The scalar text of `node`, or nullopt after reporting that `what` was expected.
std::optional<std::string> scalar(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                  const std::string& what) {
  if (node.IsScalar()) return node.Scalar();
  std::string got = node.IsSequence() ? "a list" : node.IsMap() ? "a mapping" : "nothing";
  ctx.error(node, path, "expected " + what + ", got " + got);
  return std::nullopt;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

template <typename T>
std::optional<T> parse_whole(const std::string& text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

template <typename T>
std::optional<T> from_unit(ReadContext& ctx, const YAML::Node& node, const std::string& path, const std::string& what,
                           ParsedUnit<T> (*parse)(std::string_view)) {
  auto text = scalar(ctx, node, path, what);
  if (!text) return std::nullopt;
  ParsedUnit<T> parsed = parse(*text);
  if (!parsed.value) ctx.error(node, path, parsed.error);
  return parsed.value;
}

}  // namespace

std::optional<std::string> read_string(ReadContext& ctx, const YAML::Node& node, const std::string& path) {
  if (node.IsNull()) return std::string();
  return scalar(ctx, node, path, "a string");
}

std::optional<std::vector<std::string>> read_string_list(ReadContext& ctx, const YAML::Node& node,
                                                         const std::string& path) {
  if (node.IsNull()) return std::vector<std::string>();
  if (!node.IsSequence()) {
    ctx.error(node, path, "expected a list of strings such as [a, b]");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < node.size(); ++i) {
    auto item = scalar(ctx, node[i], item_path(path, i), "a string");
    if (item) out.push_back(*item);
    ok = ok && item.has_value();
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<bool> read_bool(ReadContext& ctx, const YAML::Node& node, const std::string& path) {
  auto text = scalar(ctx, node, path, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE" || *text == "yes") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE" || *text == "no") return false;
  ctx.error(node, path, "expected true or false, got " + quoted(*text));
  return std::nullopt;
}

std::optional<int64_t> read_integer(ReadContext& ctx, const YAML::Node& node, const std::string& path, int64_t min,
                                    int64_t max) {
  auto text = scalar(ctx, node, path, "a whole number");
  if (!text) return std::nullopt;
  auto value = parse_whole<int64_t>(*text);
  if (!value) {
    ctx.error(node, path, "expected a whole number, got " + quoted(*text));
  } else if (*value < min || *value > max) {
    ctx.error(node, path,
              "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<uint64_t> read_unsigned(ReadContext& ctx, const YAML::Node& node, const std::string& path, uint64_t min,
                                      uint64_t max) {
  auto text = scalar(ctx, node, path, "a whole number");
  if (!text) return std::nullopt;
  auto value = text->empty() || text->front() == '-' ? std::nullopt : parse_whole<uint64_t>(*text);
  if (!value) {
    std::string expected = min > 0 ? "a whole number of at least " + std::to_string(min) : "a non-negative whole number";
    ctx.error(node, path, "expected " + expected + ", got " + quoted(*text));
  } else if (*value < min || *value > max) {
    ctx.error(node, path,
              "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<double> read_number(ReadContext& ctx, const YAML::Node& node, const std::string& path, double min,
                                  double max) {
  auto text = scalar(ctx, node, path, "a number");
  if (!text) return std::nullopt;
  auto value = parse_whole<double>(*text);
  if (!value || !std::isfinite(*value)) {
    ctx.error(node, path, "expected a number, got " + quoted(*text));
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    const std::string range = std::isinf(max) ? "of at least " + format_number(min)
                                              : "from " + format_number(min) + " to " + format_number(max);
    ctx.error(node, path, "expected a number " + range + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<Duration> read_duration(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                      bool allow_zero) {
  auto value = from_unit<Duration>(ctx, node, path, "a duration such as 500ms or 30s", parse_duration);
  if (value && !allow_zero && value->count() == 0) {
    ctx.error(node, path, "expected a duration greater than zero");
    return std::nullopt;
  }
  return value;
}

std::optional<double> read_rate(ReadContext& ctx, const YAML::Node& node, const std::string& path) {
  return from_unit<double>(ctx, node, path, "a rate such as 200/s", parse_rate);
}

std::optional<uint64_t> read_size(ReadContext& ctx, const YAML::Node& node, const std::string& path, uint64_t min) {
  auto value = from_unit<uint64_t>(ctx, node, path, "a size such as 128, 4KiB or 1MiB", parse_size);
  if (value && *value < min) {
    ctx.error(node, path, "expected a size of at least " + format_size(min));
    return std::nullopt;
  }
  return value;
}

std::optional<double> read_size_per_cycle(ReadContext& ctx, const YAML::Node& node, const std::string& path) {
  return from_unit<double>(ctx, node, path, "a size per cycle such as 1MiB/cycle", parse_size_per_cycle);
}

std::optional<size_t> read_choice(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                                  std::span<const std::string_view> names) {
  std::string expected = "one of";
  for (size_t i = 0; i < names.size(); ++i) expected += (i ? ", " : " ") + std::string(names[i]);
  auto text = scalar(ctx, node, path, expected);
  if (!text) return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == *text) return i;
  std::string message = "expected " + expected + ", got " + quoted(*text);
  if (auto suggestion = closest_match(*text, names)) message += "; did you mean " + *suggestion + "?";
  ctx.error(node, path, message);
  return std::nullopt;
}

}  // namespace wsl
