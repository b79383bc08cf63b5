// `wsloadgen validate`: parses and checks a profile and prints it fully resolved.
#pragma once

#include "cli/command_line.hpp"

namespace wsl {

int run_validate_command(const Command& command);

}  // namespace wsl
