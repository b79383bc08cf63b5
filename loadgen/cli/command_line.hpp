// Parses wsloadgen's argv into a Command; pure, so every flag and error is unit-tested.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace wsl {

struct Command {
  enum class Kind { run, validate, serve, compare, help, version };
  Kind kind = Kind::help;

  // run / validate
  std::string profile_path;
  std::vector<std::string> overrides;  // "KEY=VALUE" in the order given; --target/--out/--seed become overrides too
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  enum class Progress { auto_detect, plain, off } progress = Progress::auto_detect;

  // compare
  std::string compare_base, compare_new;  // report.json files or report directories
  double max_regression = 0.10;           // --max-regression, as a fraction
  std::string compare_html;               // --html FILE: the comparison as a page too

  // serve
  int port = 0;
  std::string host = "127.0.0.1";
  std::vector<std::string> faults;
  std::chrono::seconds idle_timeout{40};
};

struct CommandLineResult {
  std::optional<Command> command;
  std::string error;  // set when command is empty: one line naming the bad argument
};

CommandLineResult parse_command_line(const std::vector<std::string>& args);  // args exclude argv[0]

std::string usage_text();

}  // namespace wsl
