// `wsloadgen compare BASE NEW`: two reports side by side, exit 1 on a regression (docs/capacity-and-compare.md).
#pragma once

#include "cli/command_line.hpp"

namespace wsl {

// 0 no regression, 1 a regression, 2 a report that cannot be read (or --html that cannot be written).
int run_compare_command(const Command& command);

}  // namespace wsl
