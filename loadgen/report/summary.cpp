// Renders RunSummary as the compact end-of-run text shown on stdout.
#include "report/summary.hpp"

#include <algorithm>
#include <utility>

#include "report/steps_summary.hpp"
#include "report/text_table.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {

namespace {

constexpr size_t kTopErrorReasons = 3;
constexpr size_t kMaxCodesShown = 5;

using std::to_string;

std::string count_of(const std::string& label, uint64_t n) { return label + "×" + to_string(n); }

// "refused×6 timeout×4 +2 more": the most frequent reasons first, so the cause is on screen.
std::string top_reasons(const std::map<std::string, uint64_t>& errors) {
  std::vector<std::pair<std::string, uint64_t>> sorted(errors.begin(), errors.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < kTopErrorReasons; ++i) {
    if (!out.empty()) out += ' ';
    out += count_of(sorted[i].first, sorted[i].second);
  }
  if (sorted.size() > kTopErrorReasons) out += " +" + to_string(sorted.size() - kTopErrorReasons) + " more";
  return out;
}

// "none×1 1000×18 1001×2" in code order; code 0 means the server sent no Close frame at all.
std::string close_codes(const std::map<int, uint64_t>& codes) {
  std::string out;
  size_t shown = 0;
  for (const auto& [code, n] : codes) {
    if (shown == kMaxCodesShown) {
      out += " +" + to_string(codes.size() - kMaxCodesShown) + " more";
      break;
    }
    if (!out.empty()) out += ' ';
    out += count_of(code == 0 ? std::string("none") : to_string(code), n);
    ++shown;
  }
  return out.empty() ? "-" : out;
}

bool pattern_used(const PatternStats& p) {
  if (p.started > 0 || p.close_latency.count() > 0 || !p.codes_received.empty()) return true;
  return std::any_of(p.outcomes.begin(), p.outcomes.end(), [](uint64_t n) { return n > 0; });
}

// p50, p90, p99 and max, or dashes when nothing was recorded (a zero would read as "instant").
std::vector<std::string> quantile_cells(const LatencyHistogram& h) {
  if (h.count() == 0) return {"-", "-", "-", "-"};
  return {human_duration(h.quantile(0.50)), human_duration(h.quantile(0.90)),
          human_duration(h.quantile(0.99)), human_duration(h.max())};
}

std::string header_line(const RunSummary& s) {
  std::string line = "profile " + s.profile_name + "  target " + s.target + "  elapsed " +
                     human_duration(s.elapsed) + "  workers " + to_string(s.workers) + "  cycles " +
                     to_string(s.cycles_completed);
  if (s.interrupted) line += "  INTERRUPTED";
  return line + "\n";
}

std::string connections_line(const RunStats& st) {
  std::string line = "connections  attempted " + to_string(st.connects_attempted) + "  opened " +
                     to_string(st.connections_opened) + "  failed " + to_string(st.connect_error_total());
  if (!st.connect_errors.empty()) line += " (" + top_reasons(st.connect_errors) + ")";
  line += "  dropped_by_server " + to_string(st.dropped_by_server);
  if (!st.server_close_codes.empty()) line += " (" + close_codes(st.server_close_codes) + ")";
  return line + "\n";
}

// How the server behaved at TCP and protocol level, beyond what each close pattern shows.
std::string server_line(const RunStats& st) {
  std::string line = "server       tcp_closed_by_server " + to_string(st.tcp_closed_by_server) +
                     "  tcp_closed_by_client " + to_string(st.tcp_closed_by_client) + "  protocol_errors ";
  uint64_t protocol_errors = 0;
  for (const auto& [reason, n] : st.protocol_errors) protocol_errors += n;
  line += to_string(protocol_errors);
  if (!st.protocol_errors.empty()) line += " (" + top_reasons(st.protocol_errors) + ")";
  return line + "\n";
}

std::string messages_line(const RunStats& st) {
  return "messages     sent " + to_string(st.messages_sent) + "  received " + to_string(st.messages_received) +
         "  echo_mismatches " + to_string(st.echo_mismatches) + "  bytes_sent " + human_bytes(st.bytes_sent) +
         "  bytes_received " + human_bytes(st.bytes_received) + "\n";
}

std::string pings_line(const RunStats& st) {
  return "pings        sent " + to_string(st.pings_sent) + "  pongs " + to_string(st.pongs_received) + "\n";
}

// Headers are short forms of the CloseOutcome names so the table fits a terminal.
std::string closes_table(const RunStats& st) {
  using A = TextTable::Align;
  TextTable table({A::left, A::right, A::right, A::right, A::right, A::right, A::right, A::right, A::right,
                   A::right, A::right, A::left});
  table.add_row({"close pattern", "started", "completed", "srv_first", "timed_out", "srv_never", "error", "p50",
                 "p90", "p99", "max", "codes"});
  bool any = false;
  for (int i = 0; i < kClosePatternCount; ++i) {
    const PatternStats& p = st.patterns[i];
    if (!pattern_used(p)) continue;
    any = true;
    std::vector<std::string> row{wsl::to_string(static_cast<ClosePattern>(i)), to_string(p.started)};
    for (uint64_t n : p.outcomes) row.push_back(to_string(n));
    for (auto& cell : quantile_cells(p.close_latency)) row.push_back(std::move(cell));
    row.push_back(close_codes(p.codes_received));
    table.add_row(std::move(row));
  }
  if (!any) return "closes       none\n";
  return table.render();
}

std::string latency_table(const RunStats& st) {
  using A = TextTable::Align;
  TextTable table({A::left, A::right, A::right, A::right, A::right, A::right});
  table.add_row({"latency", "count", "p50", "p90", "p99", "max"});
  const std::pair<const char*, const LatencyHistogram*> rows[] = {
      {"connect", &st.connect_latency}, {"handshake", &st.handshake_latency}, {"message_rtt", &st.message_rtt},
      {"timer_lateness", &st.timer_lateness}};  // the generator's own delay, apart from the server's latency
  auto add = [&](const std::string& name, const LatencyHistogram& h) {
    std::vector<std::string> row{name, to_string(h.count())};
    for (auto& cell : quantile_cells(h)) row.push_back(std::move(cell));
    table.add_row(std::move(row));
  };
  for (const auto& [name, h] : rows) add(name, *h);
  // When the server ended TCP after each pattern began: how long a server takes to give up on a peer.
  for (int i = 0; i < kClosePatternCount; ++i) {
    const LatencyHistogram& h = st.patterns[i].server_tcp_close_latency;
    if (h.count() > 0) add(std::string("tcp_end/") + wsl::to_string(static_cast<ClosePattern>(i)), h);
  }
  // When the server's own socket for the connection was gone (same host only).
  for (int i = 0; i < kClosePatternCount; ++i) {
    const LatencyHistogram& h = st.patterns[i].server_reclaim_time;
    if (h.count() > 0) add(std::string("reclaim/") + wsl::to_string(static_cast<ClosePattern>(i)), h);
  }
  return table.render();
}

// Connections whose server socket was never given back, by the state it was stuck in.
std::string reclaim_stuck_line(const RunStats& st) {
  if (st.reclaim_stuck.empty()) return "";
  uint64_t total = 0;
  std::string states;
  for (const auto& [state, n] : st.reclaim_stuck) {
    total += n;
    states += (states.empty() ? "" : ", ") + state + " " + to_string(n);
  }
  return "reclaim      " + to_string(total) + " server sockets never given back (" + states + ")\n";
}

}  // namespace

std::string render_summary(const RunSummary& s) {
  std::string out = header_line(s);
  out += connections_line(s.stats);
  out += messages_line(s.stats);
  out += pings_line(s.stats);
  out += server_line(s.stats);
  if (s.generator_fds_before >= 0)
    out += "generator    fds before " + to_string(uint64_t(s.generator_fds_before)) + "  after " +
           to_string(uint64_t(std::max(0, s.generator_fds_after))) +
           (s.generator_fds_after == s.generator_fds_before ? "" : "  (LEAKED)") +
           (s.stats.connections_left ? "  connections left " + to_string(s.stats.connections_left) + " (LEAKED)" : "") +
           "\n";
  out += closes_table(s.stats);
  out += latency_table(s.stats);
  out += reclaim_stuck_line(s.stats);
  out += steps_summary(s.steps, s.capacity);
  for (const auto& line : s.check_lines) out += line + "\n";
  out += "verdict: " + (s.verdict.empty() ? std::string("UNKNOWN") : s.verdict) + "\n";
  return out;
}

}  // namespace wsl
