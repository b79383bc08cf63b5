// wsloadgen's entry point: dispatches the command line to the command that implements it.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/compare_command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/run_command.hpp"
#include "cli/validate_command.hpp"
#include "server/serve_command.hpp"

int main(int argc, char** argv) {
  using namespace wsl;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const CommandLineResult parsed = parse_command_line(args);
  if (!parsed.command) {
    std::cerr << "wsloadgen: " << parsed.error << "\n";
    return kExitUsage;
  }
  const Command& command = *parsed.command;
  switch (command.kind) {
    case Command::Kind::help:
      std::cout << usage_text();
      return kExitPassed;
    case Command::Kind::version:
      std::cout << "wsloadgen " << WSLOADGEN_VERSION << "\n";
      return kExitPassed;
    case Command::Kind::validate:
      return run_validate_command(command);
    case Command::Kind::serve: {
      ServeOptions options;
      options.host = command.host;
      options.port = command.port;
      options.faults = command.faults;
      options.idle_timeout = command.idle_timeout;
      return run_serve_command(options);
    }
    case Command::Kind::run:
      return run_run_command(command);
    case Command::Kind::compare:
      return run_compare_command(command);
  }
  return kExitUsage;
}
