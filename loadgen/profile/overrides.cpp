// Applies `--set KEY=VALUE` overrides to the profile's YAML tree before it is read.
#include "profile/overrides.hpp"

#include <charconv>

namespace wsl {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

ProfileError override_error(const std::string& key, const std::string& text, const std::string& message) {
  return {"--set", 0, 0, key, message + " (in --set " + text + ")"};
}

// Walks to the parent of the last step, creating missing mappings; returns an error message on failure.
std::optional<std::string> assign(YAML::Node node, const std::vector<KeyStep>& steps, size_t at,
                                  const YAML::Node& value) {
  const KeyStep& step = steps[at];
  const bool last = at + 1 == steps.size();
  const std::string here = key_path_string({steps.begin(), steps.begin() + long(at) + 1});
  if (step.index) {
    if (!node.IsSequence()) return here.substr(0, here.rfind('[')) + " is not a list";
    if (*step.index >= node.size())
      return "list " + here.substr(0, here.rfind('[')) + " has " + std::to_string(node.size()) +
             " entries, so index " + std::to_string(*step.index) + " does not exist";
    if (last) {
      node[*step.index] = value;
      return std::nullopt;
    }
    return assign(node[*step.index], steps, at + 1, value);
  }
  if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap()) {
    const size_t cut = here.find_last_of(".[");
    return (cut == std::string::npos ? std::string("the profile") : here.substr(0, cut)) + " is not a mapping";
  }
  if (last) {
    node[step.key] = value;
    return std::nullopt;
  }
  if (!node[step.key]) {
    if (steps[at + 1].index) return "list " + here + " does not exist, so it has no index " +
                                    std::to_string(*steps[at + 1].index);
    node[step.key] = YAML::Node(YAML::NodeType::Map);
  }
  return assign(node[step.key], steps, at + 1, value);
}

}  // namespace

std::optional<std::vector<KeyStep>> parse_key_path(std::string_view path) {
  std::vector<KeyStep> steps;
  size_t i = 0;
  bool expect_name = true;
  while (i < path.size()) {
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (steps.empty() || close == std::string_view::npos) return std::nullopt;
      size_t index = 0;
      auto [end, ec] = std::from_chars(path.data() + i + 1, path.data() + close, index);
      if (ec != std::errc() || end != path.data() + close || close == i + 1) return std::nullopt;
      steps.push_back({"", index});
      i = close + 1;
      expect_name = false;
    } else if (path[i] == '.') {
      if (expect_name) return std::nullopt;
      expect_name = true;
      ++i;
    } else {
      if (!expect_name) return std::nullopt;
      const size_t end = path.find_first_of(".[]", i);
      const size_t stop = end == std::string_view::npos ? path.size() : end;
      steps.push_back({std::string(path.substr(i, stop - i)), std::nullopt});
      i = stop;
      expect_name = false;
    }
  }
  if (steps.empty() || expect_name) return std::nullopt;
  return steps;
}

std::string key_path_string(const std::vector<KeyStep>& steps) {
  std::string out;
  for (const KeyStep& step : steps) {
    if (step.index) out += "[" + std::to_string(*step.index) + "]";
    else out += (out.empty() ? "" : ".") + step.key;
  }
  return out;
}

OverrideResult apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides) {
  OverrideResult result;
  for (const std::string& text : overrides) {
    const size_t equals = text.find('=');
    if (equals == std::string::npos) {
      result.errors.push_back(override_error("", text, "expected KEY=VALUE such as phases[0].connect_rate=500/s"));
      continue;
    }
    const std::string key(trimmed(std::string_view(text).substr(0, equals)));
    auto steps = parse_key_path(key);
    if (!steps) {
      result.errors.push_back(override_error(
          key, text, "malformed key path; expected names joined by dots with [N] list indexes, such as close.mix[1].weight"));
      continue;
    }
    YAML::Node value;
    try {
      value = YAML::Load(text.substr(equals + 1));
    } catch (const YAML::Exception& e) {
      result.errors.push_back(override_error(key, text, "VALUE is not valid YAML: " + e.msg));
      continue;
    }
    if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    if (auto problem = assign(root, *steps, 0, value)) {
      result.errors.push_back(override_error(key, text, *problem));
      continue;
    }
    result.applied.push_back({key_path_string(*steps), text});
  }
  return result;
}

}  // namespace wsl
