// A generator thread: its own event loop, its share of the connections, its own stats.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/client_socket.hpp"
#include "engine/connection.hpp"
#include "engine/early_send_policy.hpp"
#include "engine/event_loop.hpp"
#include "engine/live_counters.hpp"
#include "engine/published_stats.hpp"
#include "engine/resolved_target.hpp"
#include "engine/timer_queue.hpp"
#include "monitor/reclaim_tracker.hpp"
#include "plan/schedule.hpp"
#include "plan/timer_grid.hpp"
#include "profile/profile.hpp"
#include "stats/phase_stats.hpp"
#include "stats/run_stats.hpp"
#include "wire/tls_client_context.hpp"
#include "wire/upgrade_request.hpp"

namespace wsl {

// What a socket handler leaves behind: the socket goes on, or the worker closes it at the end of the turn.
// Ignoring it would leave a dead socket open, so the compiler insists it is looked at.
enum class [[nodiscard]] Handled : uint8_t { keep_socket, close_socket };

// How a run is asked to end early (docs/command-line.md: first signal drains, second aborts).
enum class StopRequest : int { none = 0, drain = 1, abort = 2 };

class Worker {
 public:
  Worker(const Profile& profile, const ResolvedTarget& target, Share share, int64_t run_start_ns);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Creates the event loop and the TLS context; returns false with *error set when it cannot.
  bool init(std::string* error);
  // When the schedule's time 0 is (monotonic ns); set before run().
  void set_start(int64_t run_start_ns) {
    run_start_ns_ = run_start_ns;
    grid_ = TimerGrid(run_start_ns, to_ns(profile_.timer_slack));
  }
  // Where to report connections as they start closing, for the server reclaim time (may be null).
  void set_reclaim_tracker(ReclaimTracker* tracker) { reclaim_ = tracker; }
  // Runs the event loop on the calling thread until this worker's share of the run is over.
  void run();
  // Thread-safe: asks the loop to drain or abort, and wakes it.
  void request_stop(StopRequest request);

  const RunStats& stats() const { return stats_; }
  // Each phase's share of stats(), in the order the phases ran; complete once run() returned.
  const std::vector<PhaseStats>& phase_stats() const { return phases_.phases(); }
  // Read by the progress thread at any time.
  const LiveCounters& live() const { return live_; }
  // Read by the metrics endpoint at any time: the stats as of the last publication (at most 250 ms old).
  const PublishedStats& published() const { return published_; }


 private:
  friend class ConnectionFrameSink;

  // The loop (worker.cpp): one turn waits for sockets or the next due time, then serves both.
  void on_tick();
  void publish_live(int64_t now_ns);
  int64_t next_tick_ns() const;
  void finish_turn();
  void process_schedule(int64_t now_ns);
  ScheduledEvent next_event_of_this_share();  // skips the opens and closes other shares own
  void process_timers(int64_t now_ns);
  void handle_stop(int64_t now_ns);
  bool finished() const;
  uint64_t open_websockets() const;  // connections in State::open, for the phase records

  void open_connection(uint64_t conn_id, int64_t intended_ns, const CloseChoice* abort_choice);
  // A socket whose connect() began: into the loop, with its upgrade request sent where the connect has completed.
  // Returns 0, or the errno that ended the connection before it began.
  int register_new_socket(Connection& conn);
  enum class EarlySend : uint8_t { sent, not_yet, connect_failed };  // connect_failed leaves the reason in errno
  EarlySend send_upgrade_at_once(Connection& conn);  // see engine/early_send_policy.hpp
  void service_connection(Connection& conn, int64_t now_ns);
  void send_due_traffic(Connection& conn, int64_t now_ns);
  void rearm(Connection& conn);
  int64_t next_wake_ns(const Connection& conn) const;

  // Socket events (worker_socket.cpp). A handler that answers Handled::close_socket wants the socket closed:
  // the server's side is then judged by the connection's state, as when the server closed it.
  void on_socket_event(Connection& conn, uint32_t events);
  void on_connect_done(Connection& conn, uint32_t events);
  Handled on_connected(Connection& conn);
  void on_tcp_established(Connection& conn);  // either way: latency, local end, the handshake deadline
  void on_connect_error(Connection& conn, int error_number);
  void read_socket(Connection& conn);
  Handled on_receive(Connection& conn, const char* data, size_t len);
  void flush(Connection& conn);
  void watch(Connection& conn, uint32_t events);
  void request_flush(Connection& conn);
  void release_later(Connection& conn);
  void release(Connection& conn);

  std::string upgrade_key(const Connection& conn) const;
  std::string prepare_upgrade(Connection& conn);  // the parser for the answer; returns the request's bytes
  void send_upgrade(Connection& conn);
  Handled on_plaintext(Connection& conn, const char* data, size_t len);
  Handled on_upgrade_bytes(Connection& conn, const char* data, size_t len);
  // wss:// (worker_tls.cpp): the TLS layer between the socket and the WebSocket codec.
  bool start_tls(Connection& conn);
  Handled on_tls_bytes(Connection& conn, const char* data, size_t len);
  Handled on_tls_failure(Connection& conn);
  void queue_encrypted(Connection& conn, std::string_view plaintext);
  void queue_on_socket(Connection& conn, std::string_view bytes);
  void count_message(Connection& conn, std::string_view payload, int64_t now_ns);
  void queue_bytes(Connection& conn, std::string_view bytes);
  Handled on_frame_bytes(Connection& conn, const char* data, size_t len);
  void on_handshake_done(Connection& conn);
  void queue_frame(Connection& conn, uint8_t opcode, bool fin, std::string_view payload);
  void record_connect_error(Connection& conn, const std::string& reason);

  // Closing (worker_close.cpp): a pattern's first wire actions, then the events of the close machine
  // (engine/close_steps.hpp), each carried out by close_event.
  void begin_close(Connection& conn, const CloseChoice& choice, int64_t intended_ns);
  void begin_handshake_abort(Connection& conn, std::string_view request);
  void hold(Connection& conn, int64_t until_ns, CloseStep step);
  void start_drop(Connection& conn, DropBy by);
  void try_complete_drop(Connection& conn);
  void on_close_frame(Connection& conn, const CloseFrame& close, int64_t now_ns);
  void on_message_while_closing(Connection& conn, std::string_view payload, int64_t now_ns);
  void on_server_ended_tcp(Connection& conn, int64_t now_ns);
  void on_connection_deadline(Connection& conn, int64_t now_ns);
  void on_probe(Connection& conn, int64_t now_ns);
  void after_write(Connection& conn);
  // Carries out the machine's reaction to `event`; `close` is the server's frame for a close_frame event.
  void close_event(Connection& conn, CloseEvent event, int64_t now_ns, const CloseFrame* close = nullptr);
  void on_socket_closed(Connection& conn);
  void record_outcome(Connection& conn, CloseOutcome outcome);  // once per connection
  void reset_now(Connection& conn);  // RST, release
  void kill(Connection& conn);  // nothing more to do: the socket is closed at the end of this turn

  const Profile& profile_;
  const ResolvedTarget& target_;
  const Share share_;
  int64_t run_start_ns_;
  TimerGrid grid_;  // the loop sleeps until its points (timer_slack); latencies start from its plan
  Schedule schedule_;
  ScheduledEvent pending_event_;
  bool schedule_done_ = false;

  EventLoop loop_;
  std::optional<SocketAddress> target_address_;
  std::vector<SocketAddress> source_addresses_;
  UpgradeRequestTemplate upgrade_request_;  // built once: each connection's request differs only in its key
  std::vector<char> read_buffer_;          // one read's bytes, shared by all this worker's sockets
  std::vector<uint64_t> flush_queue_;      // connections with bytes to write at the end of this turn
  std::vector<uint64_t> release_queue_;    // connections to close at the end of this turn

  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  TimerQueue<Connection> timers_;  // a connection leaves it before it leaves connections_
  EarlySendPolicy early_send_;     // whether new connections send their upgrade request before epoll says connected
  RunStats stats_;
  PhaseRecorder phases_;  // snapshots of stats_ as each phase starts: per-step results for capacity runs
  std::mt19937_64 mask_random_;
  std::string scratch_;  // reused for payloads so steady-state messaging does not allocate
  std::unique_ptr<TlsClientContext> tls_context_;  // wss:// only: one SSL_CTX for all this worker's sessions
  std::string tls_plaintext_;  // reused: what one read decrypted to
  std::string tls_reply_;      // reused: what TLS answers to one read
  std::string tls_frame_;      // reused: a frame before it is encrypted

  ReclaimTracker* reclaim_ = nullptr;
  LiveCounters live_;
  PublishedStats published_;
  int64_t next_publish_ns_ = 0;
  int32_t phase_index_ = -1;
  std::atomic<int> stop_request_{0};
  StopRequest stop_handled_ = StopRequest::none;
  int64_t stop_deadline_ns_ = 0;
  bool loop_done_ = false;
};

}  // namespace wsl
