// Every metric wsloadgen exports, in one place: the code, the dashboards and docs/metrics.md all use these names.
#pragma once

#include <string_view>

namespace wsl {

enum class MetricKind { counter, gauge, histogram };

struct MetricDefinition {
  std::string_view name;
  MetricKind kind;
  std::string_view labels;  // the family's own labels, comma-separated; run_id, shard and profile labels come on top
  std::string_view help;
};

namespace metric {
// The run itself.
inline constexpr MetricDefinition build_info{"wsloadgen_build_info", MetricKind::gauge, "version",
                                             "Always 1; the version label says which wsloadgen is running."};
inline constexpr MetricDefinition run_info{"wsloadgen_run_info", MetricKind::gauge, "profile,target",
                                           "Always 1; which profile runs against which target (secrets redacted)."};
inline constexpr MetricDefinition phase{"wsloadgen_phase", MetricKind::gauge, "phase",
                                        "1 for the phase running now (\"settle\" between cycles), 0 for the others."};
inline constexpr MetricDefinition cycle{"wsloadgen_cycle", MetricKind::gauge, "",
                                        "The cycle running now, counted from 1."};
inline constexpr MetricDefinition elapsed{"wsloadgen_run_elapsed_seconds", MetricKind::gauge, "",
                                          "Seconds since the run started."};
inline constexpr MetricDefinition finished{"wsloadgen_run_finished", MetricKind::gauge, "",
                                           "1 once the run is over and the verdict is final, else 0."};

// Load.
inline constexpr MetricDefinition active{"wsloadgen_active_connections", MetricKind::gauge, "",
                                         "Connections open now (connecting, open or closing)."};
inline constexpr MetricDefinition connects_attempted{"wsloadgen_connects_attempted_total", MetricKind::counter, "",
                                                     "TCP connects started."};
inline constexpr MetricDefinition opened{"wsloadgen_connections_opened_total", MetricKind::counter, "",
                                         "Connections whose WebSocket handshake completed (101 accepted)."};
inline constexpr MetricDefinition closes_started{"wsloadgen_closes_started_total", MetricKind::counter, "pattern",
                                                 "Closes begun, by close pattern."};
inline constexpr MetricDefinition closed{"wsloadgen_connections_closed_total", MetricKind::counter,
                                         "pattern,outcome", "Closes finished, by close pattern and outcome."};
inline constexpr MetricDefinition connect_errors{"wsloadgen_connect_errors_total", MetricKind::counter, "reason",
                                                 "Connects or handshakes that failed, by reason."};
inline constexpr MetricDefinition protocol_errors{"wsloadgen_protocol_errors_total", MetricKind::counter, "reason",
                                                  "RFC 6455 violations by the server, by reason."};
inline constexpr MetricDefinition server_drops{
    "wsloadgen_server_dropped_connections_total", MetricKind::counter, "code",
    "Open connections the server ended before we closed them, by its Close code (\"none\": TCP ended without one)."};
inline constexpr MetricDefinition close_codes{"wsloadgen_close_codes_received_total", MetricKind::counter,
                                              "pattern,code",
                                              "Close codes the server answered our closes with (1005: none given)."};
inline constexpr MetricDefinition tcp_closed_by_server{
    "wsloadgen_tcp_closed_by_server_total", MetricKind::counter, "",
    "Close handshakes after which the server closed TCP first, as RFC 6455 asks."};
inline constexpr MetricDefinition tcp_closed_by_client{
    "wsloadgen_tcp_closed_by_client_total", MetricKind::counter, "",
    "Close handshakes after which we had to close TCP because the server did not within close.timeout."};
inline constexpr MetricDefinition messages_sent{"wsloadgen_messages_sent_total", MetricKind::counter, "",
                                                "WebSocket data messages sent."};
inline constexpr MetricDefinition messages_received{"wsloadgen_messages_received_total", MetricKind::counter, "",
                                                    "WebSocket data messages received."};
inline constexpr MetricDefinition bytes_sent{"wsloadgen_sent_bytes_total", MetricKind::counter, "",
                                             "Payload bytes of the data messages sent."};
inline constexpr MetricDefinition bytes_received{"wsloadgen_received_bytes_total", MetricKind::counter, "",
                                                 "Payload bytes of the data messages received."};
inline constexpr MetricDefinition echo_mismatches{"wsloadgen_echo_mismatches_total", MetricKind::counter, "",
                                                  "Echoes that differed from the message sent (expect_echo)."};
inline constexpr MetricDefinition pings_sent{"wsloadgen_pings_sent_total", MetricKind::counter, "",
                                             "Pings sent."};
inline constexpr MetricDefinition pongs_received{"wsloadgen_pongs_received_total", MetricKind::counter, "",
                                                 "Pongs received."};

// Latency, measured from the intended time of the action.
inline constexpr MetricDefinition connect_duration{"wsloadgen_connect_duration_seconds", MetricKind::histogram, "",
                                                   "Intended open time to TCP established."};
inline constexpr MetricDefinition handshake_duration{"wsloadgen_handshake_duration_seconds", MetricKind::histogram,
                                                     "", "Intended open time to the 101 response."};
inline constexpr MetricDefinition message_rtt{"wsloadgen_message_rtt_seconds", MetricKind::histogram, "",
                                              "Intended send time to the echo received."};
inline constexpr MetricDefinition timer_lateness{
    "wsloadgen_timer_lateness_seconds", MetricKind::histogram, "",
    "Planned time of an open, close, message or ping to the generator acting on it: its own delay."};
inline constexpr MetricDefinition close_handshake_duration{
    "wsloadgen_close_handshake_duration_seconds", MetricKind::histogram, "pattern",
    "Intended close time to the server's Close frame."};
inline constexpr MetricDefinition server_tcp_close{"wsloadgen_server_tcp_close_seconds", MetricKind::histogram,
                                                   "pattern", "Intended close time to the server ending TCP."};
inline constexpr MetricDefinition server_reclaim{
    "wsloadgen_server_reclaim_seconds", MetricKind::histogram, "pattern",
    "Intended close time to the server's socket for the connection being gone (same-host monitor)."};

// The server under test, as the monitor saw it in its latest sample.
inline constexpr MetricDefinition target_fds{"wsloadgen_target_open_fds", MetricKind::gauge, "",
                                             "Open file descriptors of the server process."};
inline constexpr MetricDefinition target_socket_fds{"wsloadgen_target_socket_fds", MetricKind::gauge, "",
                                                    "Of those, the sockets."};
inline constexpr MetricDefinition target_sockets{
    "wsloadgen_target_sockets", MetricKind::gauge, "state",
    "Server-side TCP sockets of the target port, by state (the monitor's own scrapes left out)."};
inline constexpr MetricDefinition target_owned_sockets{
    "wsloadgen_target_owned_sockets", MetricKind::gauge, "",
    "Of those, the ones a process still owns (listener excluded): what the leak verdict judges."};
inline constexpr MetricDefinition target_rss{"wsloadgen_target_resident_memory_bytes", MetricKind::gauge, "",
                                             "Resident memory of the server process."};
inline constexpr MetricDefinition target_threads{"wsloadgen_target_threads", MetricKind::gauge, "",
                                                 "Threads of the server process."};
inline constexpr MetricDefinition target_cpu{"wsloadgen_target_cpu_seconds_total", MetricKind::counter, "",
                                             "User and system CPU time of the server process."};
inline constexpr MetricDefinition target_scraped{
    "wsloadgen_target_scraped_value", MetricKind::gauge, "resource",
    "A series read from the server's own /metrics (monitor.scrape), resource=\"scrape:<name>\"."};
inline constexpr MetricDefinition unreclaimed{
    "wsloadgen_server_unreclaimed_sockets", MetricKind::gauge, "state",
    "At the end of the run: closed connections whose server socket was still held, by state."};

// The verdict.
inline constexpr MetricDefinition leak_baseline{"wsloadgen_leak_baseline", MetricKind::gauge, "resource",
                                                "Median of the resource before the load started."};
inline constexpr MetricDefinition leak_delta{"wsloadgen_leak_delta", MetricKind::gauge, "resource",
                                             "Latest settled median minus the baseline, after each cycle."};
inline constexpr MetricDefinition leak_verdict{
    "wsloadgen_leak_verdict", MetricKind::gauge, "resource,verdict",
    "1 for the resource's verdict so far (pass, leak, inconclusive), 0 for the others; final once the run finished."};
inline constexpr MetricDefinition leak_per_connection{
    "wsloadgen_leak_per_connection", MetricKind::gauge, "resource,pattern",
    "Change of the resource per connection closed (after warm-up for memory); pattern=\"all\" for every pattern "
    "together, or one close pattern in an attributed run."};
inline constexpr MetricDefinition leak_pattern_verdict{
    "wsloadgen_leak_pattern_verdict", MetricKind::gauge, "resource,pattern,verdict",
    "Attributed runs: 1 for each close pattern's verdict on the resource so far, 0 for the others."};
inline constexpr MetricDefinition check_passed{"wsloadgen_check_passed", MetricKind::gauge, "check",
                                               "At the end of the run: 1 if the threshold check passed, else 0."};

// Per step (a phase, or one level of a capacity search), set when the step ends; phase = the step's name. With
// several cycles the latest cycle's step of each name is shown.
inline constexpr MetricDefinition step_level{
    "wsloadgen_step_level", MetricKind::gauge, "phase",
    "The level the step asked for: open connections, or opens per second in a connect_rate search."};
inline constexpr MetricDefinition step_open{"wsloadgen_step_connections_open", MetricKind::gauge, "phase",
                                            "WebSocket connections open when the step ended."};
inline constexpr MetricDefinition step_opens_rate{"wsloadgen_step_opens_per_second", MetricKind::gauge, "phase",
                                                  "Connections opened per second over the step."};
inline constexpr MetricDefinition step_closes_rate{"wsloadgen_step_closes_per_second", MetricKind::gauge, "phase",
                                                   "Closes started per second over the step."};
inline constexpr MetricDefinition step_errors{"wsloadgen_step_connect_errors", MetricKind::gauge, "phase,reason",
                                              "Connects or handshakes that failed during the step, by reason."};
// Gauges, not a summary: each is the step's own quantile, fixed once the step ended.
inline constexpr MetricDefinition step_handshake_p50{"wsloadgen_step_handshake_p50_seconds", MetricKind::gauge, "phase",
                                                     "Median handshake latency of the step, from intent."};
inline constexpr MetricDefinition step_handshake_p99{"wsloadgen_step_handshake_p99_seconds", MetricKind::gauge, "phase",
                                                     "99th percentile handshake latency of the step, from intent."};
inline constexpr MetricDefinition step_rtt_p50{"wsloadgen_step_message_rtt_p50_seconds", MetricKind::gauge, "phase",
                                               "Median message round trip of the step, from intent."};
inline constexpr MetricDefinition step_rtt_p99{"wsloadgen_step_message_rtt_p99_seconds", MetricKind::gauge, "phase",
                                               "99th percentile message round trip of the step, from intent."};
inline constexpr MetricDefinition step_server_cpu{
    "wsloadgen_step_server_cpu_ratio", MetricKind::gauge, "phase",
    "The server's CPU (utime+stime) over the step as a share of one core (same host)."};
inline constexpr MetricDefinition step_server_rss{"wsloadgen_step_server_resident_memory_bytes", MetricKind::gauge,
                                                  "phase", "The server's highest RSS sampled during the step."};
inline constexpr MetricDefinition step_server_fds{"wsloadgen_step_server_open_fds", MetricKind::gauge, "phase",
                                                  "The server's most open fds sampled during the step."};
inline constexpr MetricDefinition step_sustained{
    "wsloadgen_step_sustained", MetricKind::gauge, "phase",
    "1 when the step's thresholds held (error ratio, handshake and RTT p99, server CPU), else 0."};
inline constexpr MetricDefinition capacity_connections{
    "wsloadgen_capacity_sustained_connections", MetricKind::gauge, "",
    "The highest level of open connections sustained so far (a search, or the steps before the first failure)."};
inline constexpr MetricDefinition capacity_connect_rate{
    "wsloadgen_capacity_sustained_connect_rate", MetricKind::gauge, "",
    "capacity.of: connect_rate: the highest rate of new connections per second sustained so far."};

// The generator itself.
inline constexpr MetricDefinition generator_fds{"wsloadgen_generator_open_fds", MetricKind::gauge, "",
                                                "Open file descriptors of wsloadgen itself."};
inline constexpr MetricDefinition generator_rss{"wsloadgen_generator_resident_memory_bytes", MetricKind::gauge, "",
                                                "Resident memory of wsloadgen itself."};
}  // namespace metric

inline constexpr const MetricDefinition* kAllMetrics[] = {
    &metric::build_info,        &metric::run_info,
    &metric::phase,             &metric::cycle,
    &metric::elapsed,           &metric::finished,
    &metric::active,            &metric::connects_attempted,
    &metric::opened,            &metric::closes_started,
    &metric::closed,            &metric::connect_errors,
    &metric::protocol_errors,   &metric::server_drops,
    &metric::close_codes,       &metric::tcp_closed_by_server,
    &metric::tcp_closed_by_client, &metric::messages_sent,
    &metric::messages_received, &metric::bytes_sent,
    &metric::bytes_received,    &metric::echo_mismatches,
    &metric::pings_sent,        &metric::pongs_received,
    &metric::connect_duration,  &metric::handshake_duration,
    &metric::message_rtt,       &metric::timer_lateness,
    &metric::close_handshake_duration,
    &metric::server_tcp_close,  &metric::server_reclaim,
    &metric::target_fds,        &metric::target_socket_fds,
    &metric::target_sockets,    &metric::target_owned_sockets,
    &metric::target_rss,        &metric::target_threads,
    &metric::target_cpu,        &metric::target_scraped,
    &metric::unreclaimed,       &metric::leak_baseline,
    &metric::leak_delta,        &metric::leak_verdict,
    &metric::leak_per_connection, &metric::leak_pattern_verdict,
    &metric::check_passed,      &metric::step_level,
    &metric::step_open,         &metric::step_opens_rate,
    &metric::step_closes_rate,  &metric::step_errors,
    &metric::step_handshake_p50, &metric::step_handshake_p99,
    &metric::step_rtt_p50,      &metric::step_rtt_p99,
    &metric::step_server_cpu,   &metric::step_server_rss,
    &metric::step_server_fds,   &metric::step_sustained,
    &metric::capacity_connections, &metric::capacity_connect_rate,
    &metric::generator_fds,     &metric::generator_rss,
};

}  // namespace wsl
