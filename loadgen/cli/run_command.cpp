// `wsloadgen run`: loads the profile and hands it to a RunSession.
#include "cli/run_command.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/run_session.hpp"
#include "profile/load_profile.hpp"

namespace wsl {

int run_run_command(const Command& command) {
  ProfileLoadResult loaded = load_profile_file(command.profile_path, command.overrides, process_environment());
  if (!loaded.errors.empty()) {
    for (const auto& error : loaded.errors) std::cerr << error.to_string() << "\n";
    return kExitUsage;
  }
  const Profile profile = std::move(*loaded.profile);
  if (profile.capacity && command.shard_count > 1) {
    std::cerr << "wsloadgen: --shard " << command.shard_index << "/" << command.shard_count
              << ": a capacity search decides each level from what this process saw, so shards could not agree on "
                 "the next one; run the search in one process (more load from one host: target.source_addresses), "
                 "or split a stepped profile (phases at rising connections) over shards\n";
    return kExitUsage;
  }
  return RunSession(profile, command).run();
}

}  // namespace wsl
