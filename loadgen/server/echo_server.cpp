// Sets up the echo server's lws context and vhost and runs its service loop until told to stop.
#include "server/echo_server.hpp"

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <malloc.h>
#include <unistd.h>

#include <libwebsockets.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "server/echo_server_state.hpp"
#include "server/echo_session.hpp"
#include "server/fault_mode.hpp"

namespace wsl {
namespace {

constexpr lws_usec_t kStopCheckInterval = 50 * LWS_US_PER_MS;
constexpr unsigned kTimeoutSecs = 10;       // handshakes, close acks and other lws waits
constexpr unsigned kHeaderPoolSize = 256;   // upgrades parsed at once; the rest queue

constexpr unsigned kTicksPerHeapTrim = 20;  // at most once a second

// A timer that fires every 50 ms so lws_service() returns often enough to notice the stop flag.
struct HousekeepingTimer {
  lws_sorted_usec_list_t sul;  // first member: the callback gets a pointer to it
  struct lws_context* context;
  EchoServerState* state;
  unsigned ticks;
};

// Without a trim, glibc keeps the heap of thousands of closed connections, and the leak verdict
// on the reference server itself would see RSS that never comes back.
void return_freed_memory(HousekeepingTimer& timer) {
  if (++timer.ticks % kTicksPerHeapTrim != 0 || !timer.state->memory_to_return) return;
  timer.state->memory_to_return = false;
  malloc_trim(0);
}

void on_housekeeping_tick(lws_sorted_usec_list_t* sul) {
  auto* timer = reinterpret_cast<HousekeepingTimer*>(sul);
  return_freed_memory(*timer);
  // Every 50 ms: slow-close replies are on time to within a tick, departed peers released as fast.
  timer->state->held_closes.tick(HeldCloses::Clock::now());
  lws_sul_schedule(timer->context, 0, &timer->sul, on_housekeeping_tick, kStopCheckInterval);
}

bool is_ipv6_literal(const std::string& host) { return host.find(':') != std::string::npos; }

// lws sizes its fd tables from this; it must cover every connection the server may hold.
unsigned open_file_limit() {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return static_cast<unsigned>(limit.rlim_cur);
}

// lws does not say why a listen failed, so repeat the bind ourselves to get the errno.
std::string explain_listen_failure(const std::string& host, int port) {
  std::string where = "cannot listen on " + host + ":" + std::to_string(port);
  int family = is_ipv6_literal(host) ? AF_INET6 : AF_INET;
  int fd = socket(family, SOCK_STREAM, 0);
  if (fd < 0) return where + ": " + std::strerror(errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int rc = -1;
  if (family == AF_INET) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
      close(fd);
      return where + ": not an IPv4 or IPv6 address";
    }
    rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  } else {
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, host.c_str(), &addr.sin6_addr) != 1) {
      close(fd);
      return where + ": not an IPv4 or IPv6 address";
    }
    rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }
  int bind_errno = errno;
  close(fd);
  if (rc != 0) return where + ": " + std::strerror(bind_errno);
  return where + ": libwebsockets could not create the listening socket";
}

// Validates the fault names; returns 0, or 2 with *error set.
int check_faults(const std::vector<std::string>& names, FaultModes* faults, std::string* error) {
  if (!parse_fault_modes(names, faults, error)) return 2;
  auto missing = unimplemented_faults(*faults);
  if (missing.empty()) return 0;
  *error = "--fault " + missing.front() + ": not implemented yet in this version of wsloadgen serve";
  return 2;
}

void release_leaks(EchoServerState& state) {
  for (int fd : state.leaked_fds) close(fd);
  state.leaked_fds.clear();
  state.leaked_memory.clear();
}

}  // namespace

int run_echo_server(const ServeOptions& options, const std::atomic<bool>* stop,
                    const std::function<void(int port)>& on_listening, std::string* error,
                    ServerCounters* counters_out) {
  FaultModes faults;
  if (int rc = check_faults(options.faults, &faults, error); rc != 0) return rc;
  EchoServerState state(faults);
  std::strcpy(state.protocol_name.data(), "wsloadgen-echo");

  struct lws_protocols protocols[2] = {};
  protocols[0].name = state.protocol_name.data();
  protocols[0].callback = echo_protocol_callback;
  protocols[0].per_session_data_size = echo_session_storage_size();

  // Ping an idle peer after 20 s and drop it 20 s later if it never answered; no-ping-timeout
  // stretches both to the longest lws allows (about 18 hours), i.e. never during a run.
  lws_retry_bo_t idle_policy = {};
  const auto idle_secs = uint16_t(std::clamp<int64_t>(options.idle_timeout.count(), 2, 65535));
  idle_policy.secs_since_valid_ping = state.faults.no_ping_timeout ? 65534 : uint16_t(idle_secs / 2);
  idle_policy.secs_since_valid_hangup = state.faults.no_ping_timeout ? 65535 : idle_secs;

  struct lws_context_creation_info info;
  std::memset(&info, 0, sizeof(info));
  info.port = options.port;
  info.iface = options.host.c_str();
  info.protocols = protocols;
  info.user = &state;
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  if (!is_ipv6_literal(options.host)) info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
  info.ka_time = 0;
  info.timeout_secs = kTimeoutSecs;
  info.max_http_header_pool = kHeaderPoolSize;
  info.fd_limit_per_thread = open_file_limit();
  info.retry_and_idle_policy = &idle_policy;

  // lws's own account of a failed listen is cryptic; we print ours (explain_listen_failure) instead.
  lws_set_log_level(0, nullptr);
  struct lws_context* context = lws_create_context(&info);
  // From here on only real errors, never one line per connection.
  lws_set_log_level(LLL_ERR, nullptr);
  if (!context) {
    *error = explain_listen_failure(options.host, options.port);
    return 3;
  }
  struct lws_vhost* vhost = lws_get_vhost_by_name(context, "default");
  int port = vhost ? lws_get_vhost_listen_port(vhost) : -1;
  if (port <= 0) {
    lws_context_destroy(context);
    *error = explain_listen_failure(options.host, options.port);
    return 3;
  }
  if (on_listening) on_listening(port);

  HousekeepingTimer timer{};
  timer.context = context;
  timer.state = &state;
  on_housekeeping_tick(&timer.sul);
  while (!stop->load()) {
    if (lws_service(context, 0) < 0) break;
  }
  lws_context_destroy(context);  // closes what is still open, through our CLOSED callback

  release_leaks(state);
  // A held peer still connected now never got (or never will get) our Close; stopping ends it.
  // One last tick first, so a peer that left since the previous tick is not counted as held.
  state.held_closes.tick(HeldCloses::Clock::now());
  state.counters.held_at_stop = state.held_closes.size();
  state.held_closes.release_all();
  if (counters_out) *counters_out = state.counters;
  return 0;
}

}  // namespace wsl
