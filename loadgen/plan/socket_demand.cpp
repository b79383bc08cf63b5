// Walks a run's schedule and follows each of this shard's sockets and ports from open to release.
#include "plan/socket_demand.hpp"

#include <algorithm>
#include <functional>
#include <queue>

#include "plan/schedule.hpp"

namespace wsl {

PortHold port_hold_after_close(const CloseChoice& choice) {
  const ClosePatternInfo& pattern = describe(choice.pattern);
  const Duration socket = pattern.held ? choice.hold : Duration::zero();  // then RST, or the server's close
  switch (pattern.time_wait) {
    case TimeWaitSide::none:
    case TimeWaitSide::server: return {socket, false};
    case TimeWaitSide::client: return {socket, true};
    case TimeWaitSide::by_drop: return {socket, choice.by == DropBy::fin};
  }
  return {};
}

namespace {

// A moment when a closing socket goes away (its port then free, or in TIME_WAIT), or a TIME_WAIT port frees.
struct Release {
  Duration at;
  uint32_t address;
  enum class What : uint8_t { socket_then_free, socket_then_time_wait, time_wait_port } what;
  bool operator>(const Release& other) const { return at > other.at; }
};

class DemandTracker {
 public:
  DemandTracker(const SocketDemandModel& model, SocketDemand& demand)
      : model_(model), demand_(demand), ports_(model.source_address_count), time_wait_(model.source_address_count) {
    demand_.peak_ports.assign(model.source_address_count, 0);
    demand_.time_wait_at_peak.assign(model.source_address_count, 0);
  }

  // Everything due at or before `now` is released before an event at `now` happens: an RST'd port is free for
  // the connection a churn opens at the same instant.
  void release_until(Duration now) {
    while (!releases_.empty() && releases_.top().at <= now) {
      const Release r = releases_.top();
      releases_.pop();
      switch (r.what) {
        case Release::What::socket_then_free:
          --closing_;
          --ports_[r.address];
          break;
        case Release::What::socket_then_time_wait:
          --closing_;
          ++time_wait_[r.address];
          releases_.push({r.at + model_.time_wait, r.address, Release::What::time_wait_port});
          break;
        case Release::What::time_wait_port:
          --time_wait_[r.address];
          --ports_[r.address];
          break;
      }
    }
  }

  void open(uint32_t address) {
    ++open_;
    ++ports_[address];
    note_peaks(address);
  }

  // `was_open`: false for a handshake_abort, which never counted as open.
  void close(uint32_t address, Duration at, const CloseChoice& choice, bool was_open) {
    if (was_open) {
      --open_;
    } else {
      ++ports_[address];
    }
    ++closing_;
    const PortHold hold = port_hold_after_close(choice);
    releases_.push({at + hold.socket, address,
                    hold.time_wait ? Release::What::socket_then_time_wait : Release::What::socket_then_free});
    note_peaks(address);
  }

 private:
  void note_peaks(uint32_t address) {
    demand_.peak_open = std::max(demand_.peak_open, open_);
    demand_.peak_sockets = std::max(demand_.peak_sockets, open_ + closing_);
    if (ports_[address] > demand_.peak_ports[address]) {
      demand_.peak_ports[address] = ports_[address];
      demand_.time_wait_at_peak[address] = time_wait_[address];
    }
  }

  const SocketDemandModel& model_;
  SocketDemand& demand_;
  uint64_t open_ = 0;
  uint64_t closing_ = 0;
  std::vector<uint64_t> ports_;      // per address: open + closing + TIME_WAIT
  std::vector<uint64_t> time_wait_;  // per address
  std::priority_queue<Release, std::vector<Release>, std::greater<>> releases_;
};

}  // namespace

SocketDemand estimate_socket_demand(const Profile& profile, const SocketDemandModel& model_in) {
  SocketDemandModel model = model_in;
  model.source_address_count = std::max<uint32_t>(model.source_address_count, 1);
  const Share shard{model.shard_index, std::max<uint32_t>(model.shard_count, 1), 0, 1};

  SocketDemand demand;
  DemandTracker tracker(model, demand);
  Schedule schedule(profile);
  for (uint64_t events = 0;; ++events) {
    const ScheduledEvent e = schedule.next();
    if (e.kind == ScheduledEvent::Kind::end) {
      demand.walked = e.at;
      break;
    }
    if (events >= model.event_budget) {
      demand.walked = e.at;
      demand.complete = false;
      break;
    }
    if (e.kind == ScheduledEvent::Kind::phase_start || !shard.owns(e.conn_id)) continue;
    tracker.release_until(e.at);
    const auto address = uint32_t(e.conn_id % model.source_address_count);
    if (e.kind == ScheduledEvent::Kind::open && e.close == nullptr) {
      tracker.open(address);
    } else {
      // A close, or an open whose handshake is cut short at once (handshake_abort).
      tracker.close(address, e.at, *e.close, e.kind == ScheduledEvent::Kind::close);
    }
  }
  return demand;
}

}  // namespace wsl
