// Fuzz target: profile YAML text (and --set overrides) → a validated Profile or located errors, never a crash.
// Input layout: the profile text; lines after a line "#--set" are overrides (KEY=VALUE), one per line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "profile/load_profile.hpp"

namespace {

constexpr std::string_view kOverridesMarker = "\n#--set\n";

// A fixed environment, so ${VAR} expansion is exercised but a run is reproducible.
std::optional<std::string> fixed_environment(const std::string& name) {
  if (name == "HOST") return std::string("127.0.0.1");
  if (name == "TOKEN") return std::string("s3cr3t");
  return std::nullopt;
}

size_t count_lines(std::string_view text) {
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  return lines;
}

void check_errors(const wsl::ProfileLoadResult& result, std::string_view text, const std::string& file) {
  FUZZ_CHECK(result.profile.has_value() == result.errors.empty());
  for (const wsl::ProfileError& e : result.errors) {
    FUZZ_CHECK(!e.message.empty());
    FUZZ_CHECK(e.file == file || e.file == "--set");
    FUZZ_CHECK(e.line >= 0 && e.column >= 0);
    // A location points into the text it names (yaml-cpp may point one line past the last at end of input).
    if (e.file == file) FUZZ_CHECK(size_t(e.line) <= count_lines(text) + 1);
    FUZZ_CHECK(!e.to_string().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  const size_t marker = input.find(kOverridesMarker);
  std::string_view text = input;
  if (marker != std::string_view::npos) {
    text = input.substr(0, marker + 1);
    std::string_view rest = input.substr(marker + kOverridesMarker.size());
    while (!rest.empty()) {
      const size_t eol = rest.find('\n');
      overrides.emplace_back(rest.substr(0, eol));
      rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    }
  }
  const std::string file = "fuzz.yaml";
  const wsl::ProfileLoadResult loaded = wsl::load_profile_text(std::string(text), file, overrides, fixed_environment);
  check_errors(loaded, text, file);
  if (!loaded.profile) return 0;

  // What `validate` prints of a valid profile loads again (it is meant to be copied into a file) and
  // prints the same, unless secrets were redacted or an escaped "$${" became a live "${".
  const std::string rendered = wsl::render_resolved_profile(*loaded.profile);
  if (rendered.find("<redacted>") != std::string::npos || rendered.find("${") != std::string::npos) return 0;
  const wsl::ProfileLoadResult again = wsl::load_profile_text(rendered, file, {}, fixed_environment);
  check_errors(again, rendered, file);
  if (!again.profile) {
    for (const auto& e : again.errors) std::fprintf(stderr, "reload: %s\n", e.to_string().c_str());
    std::fprintf(stderr, "--- rendered\n%s\n", rendered.c_str());
  }
  FUZZ_CHECK(again.profile.has_value());
  FUZZ_CHECK(wsl::render_resolved_profile(*again.profile) == rendered);
  return 0;
}
