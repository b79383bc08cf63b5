// The body of `wsloadgen serve`: signals, the listening line, and the counters printed at the end.
#include "server/serve_command.hpp"

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <iostream>

namespace wsl {
namespace {

// A signal handler can only reach static storage; this flag is the one thing it touches.
std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested.store(true); }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a peer vanishing mid-write must not kill the server
}

// Thousands of connections need more descriptors than the usual soft limit of 1024; take what the
// hard limit allows, capped so lws's per-fd tables stay a few megabytes.
void raise_open_file_limit() {
  constexpr rlim_t kWanted = 1u << 18;
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t target = limit.rlim_max < kWanted ? limit.rlim_max : kWanted;
  if (limit.rlim_cur >= target) return;
  limit.rlim_cur = target;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int run_serve_command(const ServeOptions& options) {
  stop_requested.store(false);
  install_stop_handlers();
  raise_open_file_limit();
  std::string error;
  ServerCounters counters;
  int rc = run_echo_server(
      options, &stop_requested,
      [&](int port) {
        std::printf("wsloadgen serve: listening on ws://%s:%d/\n", url_host(options.host).c_str(), port);
        std::fflush(stdout);
      },
      &error, &counters);
  if (rc != 0) {
    std::fprintf(stderr, "wsloadgen serve: %s\n", error.c_str());
    return rc;
  }
  std::printf("%s\n", server_counters_json(counters).c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace wsl
