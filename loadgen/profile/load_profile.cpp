// Turns a profile file plus command-line overrides into a validated Profile, or a list of precise errors.
#include "profile/load_profile.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "profile/overrides.hpp"
#include "profile/section_readers.hpp"

namespace wsl {
namespace {

// "profiles/smoke.yaml" → "smoke": the name a profile gets when it does not give one.
std::string stem_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = base.find('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base.empty() ? "profile" : base;
}

}  // namespace

std::string ProfileError::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

ProfileLoadResult load_profile_text(const std::string& yaml_text, const std::string& display_name,
                                    const std::vector<std::string>& overrides, const EnvLookup& env) {
  ProfileLoadResult result;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    const bool located = !e.mark.is_null();
    result.errors.push_back({display_name, located ? e.mark.line + 1 : 0, located ? e.mark.column + 1 : 0, "",
                             "invalid YAML: " + e.msg});
    return result;
  }
  OverrideResult applied = apply_overrides(root, overrides);
  ReadContext ctx(display_name, std::move(applied.applied), env);
  Profile profile = read_profile(ctx, root, stem_of(display_name));
  profile.source_file = display_name;
  result.errors = std::move(applied.errors);
  for (ProfileError& e : ctx.take_errors()) result.errors.push_back(std::move(e));
  if (result.errors.empty()) result.profile = std::move(profile);
  return result;
}

ProfileLoadResult load_profile_file(const std::string& path, const std::vector<std::string>& overrides,
                                    const EnvLookup& env) {
  std::error_code ec;
  const int problem = std::filesystem::is_directory(path, ec) ? EISDIR : 0;
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in || problem) {
    ProfileLoadResult result;
    const int cause = problem ? problem : errno ? errno : ENOENT;
    result.errors.push_back({path, 0, 0, "", std::string("cannot read: ") + std::strerror(cause)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_profile_text(text.str(), path, overrides, env);
}

}  // namespace wsl
