// Parses the Boost.Beast echo server's command line; see ../README.md for what each flag means.
#include "options.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace wsecho {
namespace {

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "%s\nusage: beast_echo_server [--port P] [--heartbeat SECONDS | --no-heartbeat] [--leak-bytes N] "
               "[--leak-fd] [--leak-task] [--leak-on abrupt|clean] [--verbose] [--metrics-linger SECONDS]\n",
               problem.c_str());
  std::exit(2);
}

double non_negative(std::string_view flag, const char* text) {
  if (text == nullptr) usage(std::string(flag) + " needs a value");
  try {
    std::size_t used = 0;
    double value = std::stod(text, &used);
    if (used == std::string_view(text).size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  usage(std::string(flag) + " needs a number >= 0, got " + text);
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (flag == "--port") {
      double port = non_negative(flag, value);
      if (port > 65535) usage("--port is at most 65535");
      options.port = static_cast<unsigned short>(port);
      ++i;
    } else if (flag == "--heartbeat") {
      // --heartbeat 0 means off, like --no-heartbeat, rather than pinging in a busy loop.
      options.heartbeat = std::chrono::milliseconds(static_cast<long long>(non_negative(flag, value) * 1000));
      ++i;
    } else if (flag == "--no-heartbeat") {
      options.heartbeat = std::chrono::milliseconds(0);
    } else if (flag == "--leak-bytes") {
      options.leak_bytes = static_cast<std::size_t>(non_negative(flag, value));
      ++i;
    } else if (flag == "--leak-fd") {
      options.leak_fd = true;
    } else if (flag == "--leak-task") {
      options.leak_task = true;
    } else if (flag == "--leak-on") {
      if (value == nullptr || (std::string_view(value) != "abrupt" && std::string_view(value) != "clean"))
        usage("--leak-on is abrupt or clean");
      options.leak_on = value;
      ++i;
    } else if (flag == "--verbose") {
      options.verbose = true;
    } else if (flag == "--metrics-linger") {
      options.metrics_linger =
          std::chrono::milliseconds(static_cast<long long>(non_negative(flag, value) * 1000));
      ++i;
    } else {
      usage("unknown option " + std::string(flag));
    }
  }
  return options;
}

}  // namespace wsecho
