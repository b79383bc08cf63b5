// `wsloadgen run`: loads the profile, prepares the target, runs the workers, prints the summary, picks the exit code.
#pragma once

#include "cli/command_line.hpp"

namespace wsl {

int run_run_command(const Command& command);

}  // namespace wsl
