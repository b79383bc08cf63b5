// The lazy walk through phases and cycles that yields the run's opens and closes one at a time.
#include "plan/schedule.hpp"

#include <algorithm>
#include <deque>
#include <limits>

#include "plan/close_mix_picker.hpp"
#include "plan/lifetime.hpp"
#include "plan/open_connections.hpp"
#include "plan/pacer.hpp"

namespace wsl {
namespace {

constexpr Duration kNever = Duration::max();

// What the walk does next. At one instant the lower value goes first, which makes ties deterministic:
// a phase change, then lifetime ends, then the phase's paced closes, churns and opens.
enum class Action { phase_change, lifetime_end, paced_close, churn, paced_open, none };

}  // namespace

struct Schedule::State {
  explicit State(const Profile& p) : profile(p) {}

  const Profile& profile;
  OpenConnections open;
  std::deque<ScheduledEvent> ready;  // events decided but not yet handed out: at most a few
  uint64_t next_conn_id = 0;

  enum class Stage { running, final_drain, ended } stage = Stage::running;
  uint32_t cycle = 0;
  uint32_t phase_index = 0;
  Duration phase_start{};
  Duration phase_end{};  // for the final drain and `end`: the end of the run
  bool bounded = false;  // the phase has a duration, which cuts its paced actions off
  Pacer opens;
  Pacer closes;
  Pacer churns;

  const Phase& phase() const { return profile.phases[phase_index]; }

  // A paced action belongs to the phase if it falls before the end, or at the start of a zero-length phase.
  bool in_phase(Duration t) const { return !bounded || t < phase_end || t == phase_start; }
  bool live(const Pacer& p) const { return p.has_next() && in_phase(p.next_at()); }

  ScheduledEvent event(ScheduledEvent::Kind kind, Duration at, uint64_t conn_id = 0) const {
    ScheduledEvent e;
    e.kind = kind;
    e.at = at;
    e.conn_id = conn_id;
    e.phase_index = phase_index;
    e.cycle = cycle;
    return e;
  }

  void start(uint32_t index, uint32_t in_cycle, Duration at) {
    phase_index = index;
    cycle = in_cycle;
    phase_start = at;
    const Phase& ph = phase();
    bounded = ph.duration.has_value();
    opens = closes = churns = Pacer();
    const uint64_t now_open = open.size();
    if (ph.close_all) {
      closes = Pacer::at_rate(at, now_open, ph.close_rate.value_or(0));
    } else if (ph.connections && *ph.connections > now_open) {
      const uint64_t more = *ph.connections - now_open;
      if (ph.connect_rate && *ph.connect_rate > 0) {
        opens = Pacer::at_rate(at, more, *ph.connect_rate);
      } else if (ph.duration) {
        opens = Pacer::spread(at, more, *ph.duration);
      } else {
        opens = Pacer::instant(at, more);
      }
    } else if (ph.connections && *ph.connections < now_open) {
      closes = Pacer::at_rate(at, now_open - *ph.connections, ph.close_rate.value_or(0));
    }
    if (!ph.close_all && ph.duration && *ph.duration > Duration::zero() && ph.churn_rate && *ph.churn_rate > 0) {
      churns = Pacer::at_rate(at, Pacer::kUnbounded, *ph.churn_rate);
    }
    phase_end = bounded ? at + *ph.duration : std::max({at, opens.last_at(), closes.last_at()});
    ready.push_back(event(ScheduledEvent::Kind::phase_start, at));
  }

  void change_phase() {
    uint32_t index = phase_index + 1;
    uint32_t in_cycle = cycle;
    if (index == profile.phases.size()) {
      index = 0;
      ++in_cycle;
    }
    if (in_cycle >= profile.cycles) {
      stage = Stage::final_drain;  // phase_end now stands for the end of the run
      return;
    }
    start(index, in_cycle, phase_end);
  }

  // The final drain keeps the last phase current, so its mix (if any) applies there too.
  const std::vector<CloseChoice>& mix_in_force() const {
    return phase().mix.empty() ? profile.close.mix : phase().mix;
  }

  const CloseChoice* close_choice(uint64_t conn_id) const {
    const CloseChoice* picked = pick_close_choice_for_open_connection(
        mix_in_force(), connection_random(profile.seed, conn_id, RandomStream::close_mix));
    return picked != nullptr ? picked : &default_close_choice();
  }

  // handshake_abort is decided as the connection opens, with the same draw as its close would use.
  const CloseChoice* abort_at_open(uint64_t conn_id) const {
    const CloseChoice* picked =
        pick_close_choice(mix_in_force(), connection_random(profile.seed, conn_id, RandomStream::close_mix));
    return picked != nullptr && picked->pattern == ClosePattern::handshake_abort ? picked : nullptr;
  }

  void open_one(Duration at) {
    const uint64_t id = next_conn_id++;
    if (const CloseChoice* abort = abort_at_open(id)) {
      // The upgrade is cut short: the connection never counts as open, so nothing closes it later.
      ScheduledEvent e = event(ScheduledEvent::Kind::open, at, id);
      e.close = abort;
      ready.push_back(e);
      return;
    }
    std::optional<Duration> expires_at;
    if (auto life = draw_lifetime(profile.session.lifetime,
                                  connection_random(profile.seed, id, RandomStream::lifetime))) {
      // A lifetime that would end past the representable future is the same as none.
      if (*life < kNever - at) expires_at = at + *life;
    }
    open.add(id, expires_at);
    ready.push_back(event(ScheduledEvent::Kind::open, at, id));
  }

  void close_one(uint64_t conn_id, Duration at) {
    ScheduledEvent e = event(ScheduledEvent::Kind::close, at, conn_id);
    e.close = close_choice(conn_id);
    open.remove(conn_id);
    ready.push_back(e);
  }

  void close_oldest(Duration at) {
    if (!open.empty()) close_one(open.oldest(), at);
  }

  // Performs the earliest pending action, which adds zero or more events to `ready`.
  void step_running() {
    Action action = Action::none;
    Duration when = kNever;
    auto consider = [&](Action a, Duration t) {
      if (t < when || (t == when && a < action)) {
        action = a;
        when = t;
      }
    };
    const bool pacing = live(closes) || live(churns) || live(opens);
    if (!pacing) consider(Action::phase_change, phase_end);
    if (auto expiry = open.earliest_expiry()) consider(Action::lifetime_end, expiry->at);
    if (live(closes)) consider(Action::paced_close, closes.next_at());
    if (live(churns)) consider(Action::churn, churns.next_at());
    if (live(opens)) consider(Action::paced_open, opens.next_at());

    switch (action) {
      case Action::phase_change:
        change_phase();
        break;
      case Action::lifetime_end:
        close_one(open.earliest_expiry()->conn_id, when);
        // A replacement keeps the level, except while a phase is draining everything.
        if (!phase().close_all) open_one(when);
        break;
      case Action::paced_close:
        closes.advance();
        close_oldest(when);
        break;
      case Action::churn:
        churns.advance();
        if (!open.empty()) {
          close_oldest(when);
          open_one(when);
        }
        break;
      case Action::paced_open:
        opens.advance();
        open_one(when);
        break;
      case Action::none:
        break;  // unreachable: the phase change is always a candidate once pacing is over
    }
  }

  void step() {
    switch (stage) {
      case Stage::running:
        step_running();
        break;
      case Stage::final_drain:
        if (open.empty()) {
          stage = Stage::ended;
        } else {
          close_oldest(phase_end);
        }
        break;
      case Stage::ended:
        break;
    }
  }

  void fill() {
    while (ready.empty() && stage != Stage::ended) step();
  }
};

Schedule::Schedule(const Profile& profile) : state_(std::make_unique<State>(profile)) {
  if (profile.phases.empty() || profile.cycles == 0) {
    state_->stage = State::Stage::final_drain;  // nothing to run: `end` at time 0
  } else {
    state_->start(0, 0, Duration::zero());
  }
}

Schedule::~Schedule() = default;
Schedule::Schedule(Schedule&&) noexcept = default;
Schedule& Schedule::operator=(Schedule&&) noexcept = default;

ScheduledEvent Schedule::next() {
  State& s = *state_;
  s.fill();
  if (s.ready.empty()) return s.event(ScheduledEvent::Kind::end, s.phase_end);
  ScheduledEvent e = s.ready.front();
  s.ready.pop_front();
  return e;
}

Duration Schedule::peek_time() {
  State& s = *state_;
  s.fill();
  return s.ready.empty() ? s.phase_end : s.ready.front().at;
}

std::size_t Schedule::open_count() const { return state_->open.size(); }

std::size_t Schedule::pending_count() const {
  return state_->open.held_count() + state_->ready.size();
}

}  // namespace wsl
