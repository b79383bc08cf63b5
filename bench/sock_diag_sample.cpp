// Benchmarks one monitor sample against thousands of loopback connections: sock_diag dump and /proc fd scan.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <functional>
#include <vector>

#include "monitor/process_sample.hpp"
#include "monitor/server_sockets.hpp"
#include "monitor/sock_diag_query.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// Median wall time and median CPU time of this thread (the CPU time is less disturbed by a busy machine).
struct Timing {
  double wall_ms;
  double cpu_ms;
};

Timing median_of(int runs, const std::function<void()>& sample) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    double cpu_start = thread_cpu_ms();
    sample();
    cpu.push_back(thread_cpu_ms() - cpu_start);
    wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

// The host's TCP sockets ("TCP: inuse N orphan N tw N ..."): every sock_diag dump walks all of them.
std::string host_tcp_line() {
  FILE* file = std::fopen("/proc/net/sockstat", "r");
  if (!file) return "?";
  char line[256];
  std::string found = "?";
  while (std::fgets(line, sizeof line, file))
    if (std::string_view(line).starts_with("TCP:")) found = std::string(line, std::strlen(line) - 1);
  std::fclose(file);
  return found;
}

void print(const char* name, size_t sockets, Timing timing) {
  std::printf("%-44s %6zu sockets  median wall %6.2f ms  cpu %6.2f ms  (%.2f us/socket cpu)\n", name, sockets,
              timing.wall_ms, timing.cpu_ms, timing.cpu_ms * 1000 / static_cast<double>(sockets));
}

}  // namespace

// Usage: bench_sock_diag_sample [CONNECTIONS]; default 7000 (14000 fds in this process, under a 20000 fd limit);
// more than the limit allows for both ends (e.g. 15000) puts the client ends in a child process.
int main(int argc, char** argv) {
  int connections = argc > 1 ? std::atoi(argv[1]) : 7000;
  int extra_fds = 1000;  // files, so the process holds about 15000 fds in all
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < static_cast<rlim_t>(connections + extra_fds + 16)) {
    std::fprintf(stderr, "fd limit %llu is too low for %d connections\n",
                 static_cast<unsigned long long>(limit.rlim_cur), connections);
    return 3;
  }

  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1024) != 0) {
    std::perror("listen");
    return 3;
  }
  socklen_t size = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size);
  uint16_t port = ntohs(address.sin_port);

  // With more connections than one process may hold both ends of, a child process holds the client ends.
  bool split = limit.rlim_cur < static_cast<rlim_t>(2 * connections + extra_fds + 16);
  int child_done[2] = {-1, -1};
  pid_t child = -1;
  if (split) {
    if (::pipe(child_done) != 0) return 3;
    child = ::fork();
    if (child == 0) {
      ::close(child_done[1]);
      std::vector<int> clients;
      for (int i = 0; i < connections; ++i) {
        int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (client < 0 || ::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) _exit(3);
        clients.push_back(client);
      }
      char byte;
      while (::read(child_done[0], &byte, 1) > 0) {}  // hold the connections until the parent is done
      _exit(0);
    }
    ::close(child_done[0]);
  }

  std::vector<int> fds;
  auto setup_start = Clock::now();
  for (int i = 0; i < connections; ++i) {
    if (!split) {
      int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (client < 0 || ::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        std::perror("connect");
        return 3;
      }
      fds.push_back(client);
    }
    int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (server < 0) {
      std::perror("accept");
      return 3;
    }
    fds.push_back(server);
  }
  for (int i = 0; i < extra_fds; ++i) fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  std::printf("%d loopback connections on port %u (%s) set up in %.0f ms\n", connections, port,
              split ? "client ends in a child process" : "both ends here",
              std::chrono::duration<double, std::milli>(Clock::now() - setup_start).count());

  std::string error;
  auto query = wsl::SockDiagQuery::open(error);
  if (!query) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 3;
  }
  std::printf("host %s\n", host_tcp_line().c_str());
  const int runs = 15;
  size_t seen = 0;
  auto dump = [&](wsl::PortFilter filter) {
    std::vector<wsl::SocketEntry> entries;
    if (!query->dump_local_port(port, wsl::kAllTcpStates, entries, error, filter)) std::abort();
    seen = static_cast<size_t>(wsl::count_socket_states(entries).total());
  };
  Timing kernel = median_of(runs, [&] { dump(wsl::PortFilter::kernel); });
  print("both families, filter in the kernel", seen, kernel);
  Timing user_space = median_of(runs, [&] { dump(wsl::PortFilter::user_space); });
  print("both families, filter in user space", seen, user_space);
  wsl::OwnConnections none_ours;  // no scrape here
  Timing monitor = median_of(runs, [&] {
    auto counted = wsl::count_server_sockets(*query, port, none_ours, error);
    if (!counted) std::abort();
    seen = static_cast<size_t>(counted->by_state.total());
  });
  print("count_server_sockets (listener's family)", seen, monitor);
  std::vector<wsl::SocketEntry> owned;
  Timing reclaim = median_of(runs, [&] {
    if (!wsl::list_owned_server_sockets(*query, port, owned, error)) std::abort();
    seen = owned.size();
  });
  print("list_owned_server_sockets (a reclaim check)", seen, reclaim);

  for (bool sockets : {true, false}) {
    wsl::ProcessSample process;
    Timing timing = median_of(runs, [&] { process = *wsl::sample_process(::getpid(), sockets); });
    std::printf("sample_process(count_socket_fds=%d): %lld fds (%lld sockets), median wall %.2f ms  cpu %.2f ms\n",
                sockets, static_cast<long long>(process.open_fds), static_cast<long long>(process.socket_fds),
                timing.wall_ms, timing.cpu_ms);
  }

  // Reset rather than close: 15000 sockets left in TIME_WAIT would slow the next run's dumps, which walk them too.
  const linger reset{1, 0};
  for (int fd : fds) {
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);  // fails harmlessly on the /dev/null fds
    ::close(fd);
  }
  ::close(listener);
  if (split) {
    ::close(child_done[1]);
    ::waitpid(child, nullptr, 0);
  }
  return 0;
}
