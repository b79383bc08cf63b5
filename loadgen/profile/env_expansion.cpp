// Expands ${VAR} references from the environment in the profile values that allow them.
#include "profile/env_expansion.hpp"

#include <cctype>

namespace wsl {
namespace {

bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

}  // namespace

Expansion expand_environment(std::string_view text, const EnvLookup& env) {
  Expansion out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out.value += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.value += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.errors.push_back("unterminated ${ in \"" + std::string(text) + "\" (write $${ for a literal ${)");
      return out;
    }
    const std::string name(text.substr(i + 2, close - i - 2));
    if (!is_variable_name(name)) {
      out.errors.push_back("\"${" + name + "}\" is not a valid environment variable reference");
    } else if (auto value = env ? env(name) : std::nullopt) {
      out.value += *value;
      out.used_environment = true;
    } else {
      out.errors.push_back("environment variable " + name + " is not set");
    }
    i = close + 1;
  }
  return out;
}

}  // namespace wsl
