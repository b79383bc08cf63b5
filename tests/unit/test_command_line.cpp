// Command-line parsing: every flag of docs/command-line.md, the shortcuts that become overrides, and usage errors.
#include <gtest/gtest.h>

#include "cli/command_line.hpp"

using wsl::Command;
using wsl::parse_command_line;

TEST(CommandLine, RunWithEveryFlag) {
  auto r = parse_command_line({"run", "p.yaml", "--target", "ws://h:1/", "--set", "seed=9", "--out=o/",
                               "--metrics-listen", "127.0.0.1:0", "--shard", "1/3", "--progress", "plain",
                               "--seed", "5", "--set", "phases[0].connect_rate=500/s"});
  ASSERT_TRUE(r.command) << r.error;
  const Command& c = *r.command;
  EXPECT_EQ(c.kind, Command::Kind::run);
  EXPECT_EQ(c.profile_path, "p.yaml");
  // Shortcuts and --set keep their command-line order, so a later one wins.
  EXPECT_EQ(c.overrides, (std::vector<std::string>{"target.url=ws://h:1/", "seed=9", "report.dir=o/",
                                                    "metrics.listen=127.0.0.1:0", "seed=5",
                                                    "phases[0].connect_rate=500/s"}));
  EXPECT_EQ(c.shard_index, 1u);
  EXPECT_EQ(c.shard_count, 3u);
  EXPECT_EQ(c.progress, Command::Progress::plain);
}

TEST(CommandLine, ServeWithFaults) {
  auto r = parse_command_line({"serve", "--port", "9001", "--fault", "leak-on-abort", "--fault=no-ping-timeout"});
  ASSERT_TRUE(r.command) << r.error;
  EXPECT_EQ(r.command->port, 9001);
  EXPECT_EQ(r.command->faults, (std::vector<std::string>{"leak-on-abort", "no-ping-timeout"}));
}

TEST(CommandLine, HelpAndVersion) {
  EXPECT_EQ(parse_command_line({"--help"}).command->kind, Command::Kind::help);
  EXPECT_EQ(parse_command_line({"--version"}).command->kind, Command::Kind::version);
  EXPECT_EQ(parse_command_line({"run", "--help"}).command->kind, Command::Kind::help);
}

TEST(CommandLine, ErrorsNameTheBadArgument) {
  auto expect_error = [](std::vector<std::string> args, const std::string& fragment) {
    auto r = parse_command_line(args);
    EXPECT_FALSE(r.command);
    EXPECT_NE(r.error.find(fragment), std::string::npos) << r.error;
  };
  expect_error({}, "missing command");
  expect_error({"runn", "p.yaml"}, "runn");
  expect_error({"run"}, "PROFILE.yaml");
  expect_error({"run", "p.yaml", "--set"}, "--set needs a value");
  expect_error({"run", "p.yaml", "--set", "novalue"}, "KEY=VALUE");
  expect_error({"run", "p.yaml", "--shard", "3/3"}, "--shard");
  expect_error({"run", "p.yaml", "--shard", "x"}, "--shard");
  expect_error({"run", "p.yaml", "--progress", "loud"}, "--progress");
  expect_error({"run", "a.yaml", "b.yaml"}, "only one profile");
  expect_error({"serve", "--port", "70000"}, "--port");
  expect_error({"validate", "p.yaml", "--target", "ws://x/"}, "--target");
  expect_error({"run", "p.yaml", "--fault", "x"}, "--fault");
}

TEST(CommandLine, CompareTakesTwoReportsABoundAndAnHtmlFile) {
  auto r = parse_command_line({"compare", "base/", "new/report.json", "--max-regression", "2.5%", "--html=c.html"});
  ASSERT_TRUE(r.command) << r.error;
  EXPECT_EQ(r.command->kind, Command::Kind::compare);
  EXPECT_EQ(r.command->compare_base, "base/");
  EXPECT_EQ(r.command->compare_new, "new/report.json");
  EXPECT_DOUBLE_EQ(r.command->max_regression, 0.025);
  EXPECT_EQ(r.command->compare_html, "c.html");
  EXPECT_DOUBLE_EQ(parse_command_line({"compare", "a", "b"}).command->max_regression, 0.10) << "the default is 10%";
  EXPECT_DOUBLE_EQ(parse_command_line({"compare", "a", "b", "--max-regression=15"}).command->max_regression, 0.15);
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"compare", "a"}, {"compare", "a", "b", "c"},
        {"compare", "a", "b", "--max-regression", "-5%"}, {"compare", "a", "b", "--max-regression", "ten"},
        {"compare", "a", "b", "--set", "x=1"}}) {
    EXPECT_FALSE(parse_command_line(bad).command) << bad.back();
  }
}
