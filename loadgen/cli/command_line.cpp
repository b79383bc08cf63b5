// Parses wsloadgen's argv into a Command.
#include "cli/command_line.hpp"

#include "vocabulary/units.hpp"

#include <charconv>
#include <cmath>

namespace wsl {
namespace {

bool parse_uint(const std::string& s, uint32_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Splits "--flag=value" into its parts so both "--flag value" and "--flag=value" work.
struct Flag {
  std::string name;
  std::optional<std::string> inline_value;
};

Flag split_flag(const std::string& arg) {
  auto eq = arg.find('=');
  if (arg.rfind("--", 0) == 0 && eq != std::string::npos) return {arg.substr(0, eq), arg.substr(eq + 1)};
  return {arg, std::nullopt};
}

CommandLineResult fail(std::string message) { return {std::nullopt, std::move(message)}; }

// "10%", "10" or "2.5%": a non-negative percentage.
std::optional<double> parse_percent(std::string text) {
  if (!text.empty() && text.back() == '%') text.pop_back();
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  double value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::string usage_text() {
  return R"(wsloadgen — load and resource-leak testing for WebSocket servers

Usage:
  wsloadgen run PROFILE.yaml [--target URL] [--set KEY=VALUE]... [--out DIR]
                             [--metrics-listen HOST:PORT] [--shard I/N]
                             [--progress auto|plain|off] [--seed N]
  wsloadgen validate PROFILE.yaml [--set KEY=VALUE]...
  wsloadgen serve [--port P] [--host ADDR] [--fault NAME]... [--idle-timeout 40s]
  wsloadgen compare BASE NEW [--max-regression 10%] [--html FILE]
                             (BASE, NEW: report.json files or report directories)
  wsloadgen --help | --version

Exit codes: 0 passed, 1 a check failed, 2 usage or profile error,
            3 the run could not proceed, 130 interrupted.
  compare: 0 no regression, 1 a figure got worse past the bound or a verdict
           became FAIL or LEAK, 2 a report that cannot be read.
)";
}

CommandLineResult parse_command_line(const std::vector<std::string>& args) {
  Command cmd;
  if (args.empty()) return fail("missing command (run, validate, serve or compare); see --help");
  const std::string& verb = args[0];
  if (verb == "--help" || verb == "-h" || verb == "help") {
    cmd.kind = Command::Kind::help;
    return {cmd, ""};
  }
  if (verb == "--version" || verb == "-V") {
    cmd.kind = Command::Kind::version;
    return {cmd, ""};
  }
  if (verb == "run") cmd.kind = Command::Kind::run;
  else if (verb == "validate") cmd.kind = Command::Kind::validate;
  else if (verb == "serve") cmd.kind = Command::Kind::serve;
  else if (verb == "compare") cmd.kind = Command::Kind::compare;
  else return fail("unknown command '" + verb + "' (expected run, validate, serve or compare); see --help");

  for (size_t i = 1; i < args.size(); ++i) {
    Flag flag = split_flag(args[i]);
    auto value = [&](std::string& out) -> bool {
      if (flag.inline_value) {
        out = *flag.inline_value;
        return true;
      }
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    const bool is_serve = cmd.kind == Command::Kind::serve;
    const bool is_run = cmd.kind == Command::Kind::run;
    if (flag.name == "--help" || flag.name == "-h") {
      cmd.kind = Command::Kind::help;
      return {cmd, ""};
    }
    const bool is_compare = cmd.kind == Command::Kind::compare;
    if (is_compare && !flag.name.empty() && flag.name[0] != '-') {
      if (cmd.compare_base.empty()) cmd.compare_base = flag.name;
      else if (cmd.compare_new.empty()) cmd.compare_new = flag.name;
      else return fail("compare takes two reports, BASE and NEW; got a third: '" + flag.name + "'");
      continue;
    }
    if (!flag.name.empty() && flag.name[0] != '-') {
      if (is_serve) return fail("serve takes no positional argument, got '" + flag.name + "'");
      if (!cmd.profile_path.empty()) return fail("unexpected argument '" + flag.name + "': only one profile can be given");
      cmd.profile_path = flag.name;
      continue;
    }
    if (!value(v)) return fail("option " + flag.name + " needs a value");
    if (flag.name == "--max-regression" && is_compare) {
      const auto percent = parse_percent(v);
      if (!percent) return fail("--max-regression expects a percentage such as 10% or 2.5%, got '" + v + "'");
      cmd.max_regression = *percent / 100;
    } else if (flag.name == "--html" && is_compare) {
      if (v.empty()) return fail("--html expects a file name");
      cmd.compare_html = v;
    } else if (flag.name == "--set" && !is_serve && !is_compare) {
      if (v.find('=') == std::string::npos || v.front() == '=') return fail("--set expects KEY=VALUE, got '" + v + "'");
      cmd.overrides.push_back(v);
    } else if (flag.name == "--target" && is_run) {
      cmd.overrides.push_back("target.url=" + v);
    } else if (flag.name == "--out" && is_run) {
      cmd.overrides.push_back("report.dir=" + v);
    } else if (flag.name == "--seed" && is_run) {
      cmd.overrides.push_back("seed=" + v);
    } else if (flag.name == "--metrics-listen" && is_run) {
      cmd.overrides.push_back("metrics.listen=" + v);
    } else if (flag.name == "--shard" && is_run) {
      auto slash = v.find('/');
      if (slash == std::string::npos || !parse_uint(v.substr(0, slash), cmd.shard_index) ||
          !parse_uint(v.substr(slash + 1), cmd.shard_count) || cmd.shard_count == 0 ||
          cmd.shard_index >= cmd.shard_count)
        return fail("--shard expects I/N with 0 <= I < N, got '" + v + "'");
    } else if (flag.name == "--progress" && is_run) {
      if (v == "auto") cmd.progress = Command::Progress::auto_detect;
      else if (v == "plain") cmd.progress = Command::Progress::plain;
      else if (v == "off") cmd.progress = Command::Progress::off;
      else return fail("--progress expects auto, plain or off, got '" + v + "'");
    } else if (flag.name == "--port" && is_serve) {
      uint32_t port = 0;
      if (!parse_uint(v, port) || port > 65535) return fail("--port expects 0..65535, got '" + v + "'");
      cmd.port = int(port);
    } else if (flag.name == "--host" && is_serve) {
      cmd.host = v;
    } else if (flag.name == "--fault" && is_serve) {
      cmd.faults.push_back(v);
    } else if (flag.name == "--idle-timeout" && is_serve) {
      auto parsed = parse_duration(v);
      if (!parsed.value || *parsed.value < std::chrono::seconds(2))
        return fail("--idle-timeout expects a duration of at least 2s such as 40s, got '" + v + "'");
      cmd.idle_timeout = std::chrono::duration_cast<std::chrono::seconds>(*parsed.value);
    } else {
      return fail("unknown option '" + flag.name + "' for " + verb + "; see --help");
    }
  }
  if (cmd.kind == Command::Kind::compare) {
    if (cmd.compare_new.empty()) return fail("compare needs two reports: wsloadgen compare BASE NEW");
    return {cmd, ""};
  }
  if (cmd.kind != Command::Kind::serve && cmd.profile_path.empty())
    return fail(verb + " needs a PROFILE.yaml argument");
  return {cmd, ""};
}

}  // namespace wsl
