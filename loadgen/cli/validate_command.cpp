// `wsloadgen validate`: parses and checks a profile and prints it fully resolved.
#include "cli/validate_command.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"
#include "profile/load_profile.hpp"

namespace wsl {

int run_validate_command(const Command& command) {
  ProfileLoadResult loaded = load_profile_file(command.profile_path, command.overrides, process_environment());
  if (!loaded.errors.empty()) {
    for (const auto& error : loaded.errors) std::cerr << error.to_string() << "\n";
    return kExitUsage;
  }
  std::cout << render_resolved_profile(*loaded.profile);
  return kExitPassed;
}

}  // namespace wsl
