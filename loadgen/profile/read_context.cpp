// What the profile reader carries while it walks the YAML tree: the errors so far and where each key was.
#include "profile/read_context.hpp"

#include "profile/did_you_mean.hpp"

namespace wsl {
namespace {

bool is_within(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

std::string_view kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

}  // namespace

ReadContext::ReadContext(std::string file, std::vector<OverrideOrigin> overrides, EnvLookup env)
    : file_(std::move(file)), overrides_(std::move(overrides)), env_(std::move(env)) {}

const OverrideOrigin* ReadContext::override_covering(const std::string& path) const {
  // The last override wins, because it replaced whatever the earlier ones wrote.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it)
    if (is_within(path, it->key_path)) return &*it;
  return nullptr;
}

void ReadContext::error_at(const YAML::Mark& mark, const std::string& path, const std::string& message) {
  const OverrideOrigin* origin = override_covering(path);
  // A key that an override created (e.g. a misspelt parent in --set targte.url=...) has no position in the file.
  if (!origin && mark.is_null())
    for (auto it = overrides_.rbegin(); it != overrides_.rend() && !origin; ++it)
      if (is_within(it->key_path, path)) origin = &*it;
  if (origin) {
    errors_.push_back({"--set", 0, 0, path, message + " (in --set " + origin->text + ")"});
    return;
  }
  ProfileError e{file_, 0, 0, path, message};
  if (!mark.is_null()) {
    e.line = mark.line + 1;
    e.column = mark.column + 1;
  }
  errors_.push_back(std::move(e));
}

void ReadContext::error(const YAML::Node& node, const std::string& path, const std::string& message) {
  error_at(node.IsDefined() ? node.Mark() : YAML::Mark::null_mark(), path, message);
}

void ReadContext::error_at_path(const std::string& path, const std::string& message) {
  for (std::string p = path; !p.empty();) {
    if (auto it = locations_.find(p); it != locations_.end()) return error_at(it->second, path, message);
    const size_t cut = p.find_last_of(".[");
    p = cut == std::string::npos ? std::string() : p.substr(0, cut);
  }
  error_at(YAML::Mark::null_mark(), path, message);
}

void ReadContext::remember(const std::string& path, const YAML::Mark& mark) { locations_[path] = mark; }

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string item_path(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

static bool check_mapping(ReadContext& ctx, const YAML::Node& node, const std::string& path) {
  if (!node.IsDefined() || node.IsNull()) return false;
  if (node.IsMap()) return true;
  ctx.error(node, path, "expected a mapping of keys, got " + std::string(kind_of(node)));
  return false;
}

void for_each_entry(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                    std::span<const std::string_view> known, const EntryVisitor& visit) {
  if (!check_mapping(ctx, node, path)) return;
  std::map<std::string, YAML::Mark> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key_node = it->first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
    const std::string key_path = child_path(path, key);
    // YAML forbids repeated keys but yaml-cpp keeps both; the second would silently win.
    if (auto [first, fresh] = seen.emplace(key, key_node.Mark()); !fresh) {
      ctx.error_at(key_node.Mark(), key_path,
                   "duplicate key (first given on line " + std::to_string(first->second.line + 1) + ")");
      continue;
    }
    bool is_known = false;
    for (std::string_view k : known) is_known = is_known || k == key;
    if (!is_known) {
      std::string message = "unknown key";
      if (auto suggestion = closest_match(key, known)) message += ", did you mean " + *suggestion + "?";
      else {
        message += " (expected one of:";
        for (std::string_view k : known) message += " " + std::string(k);
        message += ")";
      }
      ctx.error_at(key_node.Mark(), key_path, message);
      continue;
    }
    ctx.remember(key_path, key_node.Mark());
    visit(key, it->second, key_path);
  }
}

void for_each_named_entry(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                          const EntryVisitor& visit) {
  if (!check_mapping(ctx, node, path)) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar() || key_node.Scalar().empty()) {
      ctx.error_at(key_node.Mark(), path, "expected a non-empty name as key");
      continue;
    }
    const std::string key_path = child_path(path, key_node.Scalar());
    ctx.remember(key_path, key_node.Mark());
    visit(key_node.Scalar(), it->second, key_path);
  }
}

void for_each_item(ReadContext& ctx, const YAML::Node& node, const std::string& path, const char* what,
                   const std::function<void(const YAML::Node& item, const std::string& path, size_t index)>& visit) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    ctx.error(node, path, std::string("expected a list of ") + what + ", got " + std::string(kind_of(node)));
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string p = item_path(path, i);
    ctx.remember(p, item.Mark());
    visit(item, p, i);
  }
}

}  // namespace wsl
