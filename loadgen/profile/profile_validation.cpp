// Rules that span several keys of a read profile (conflicting phase keys, min above max, ...).
#include "profile/profile_validation.hpp"

#include <cmath>
#include <cstdio>
#include <set>

#include "vocabulary/close_pattern.hpp"
#include "vocabulary/units.hpp"

namespace wsl {
namespace {

void check_phase(const Phase& phase, const std::string& path, std::vector<ProfileIssue>& issues) {
  auto issue = [&](const std::string& key, const std::string& message) {
    issues.push_back({key.empty() ? path : path + "." + key, message});
  };
  if (phase.close_all && phase.connections)
    issue("close", "close: all ends every connection; it cannot be combined with connections");
  if (phase.close_all && phase.churn_rate) issue("churn_rate", "churn_rate cannot be combined with close: all");
  if (phase.close_all && phase.connect_rate) issue("connect_rate", "connect_rate cannot be combined with close: all");
  if (phase.churn_rate && !phase.duration)
    issue("churn_rate", "churn_rate needs a duration (how long to keep churning)");
  if (phase.connect_rate && !phase.connections)
    issue("connect_rate", "connect_rate needs connections (the number of open connections to ramp to)");
  if (phase.close_rate && !phase.connections && !phase.close_all)
    issue("close_rate", "close_rate paces closes, so it needs connections (a lower level) or close: all");
  if (!phase.duration && !phase.connections && !phase.close_all)
    issue("", "phase " + phase.name + " does nothing: give it a duration, connections or close: all");
}

void check_phases(const std::vector<Phase>& phases, std::vector<ProfileIssue>& issues) {
  if (phases.empty()) {
    issues.push_back({"phases", "at least one phase is required, e.g. [{name: ramp, connections: 100, "
                                "connect_rate: 50/s}, {name: hold, duration: 30s}, {name: drain, close: all}]"});
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < phases.size(); ++i) {
    const std::string path = "phases[" + std::to_string(i) + "]";
    if (!names.insert(phases[i].name).second)
      issues.push_back({path + ".name", "phase name " + phases[i].name + " is used twice; names must be unique"});
    check_phase(phases[i], path, issues);
  }
}

// Every mix of the profile with the key path of its entries: close.mix, then each phase's own mix.
template <typename F>
void for_each_mix_entry(const Profile& profile, F f) {
  for (size_t i = 0; i < profile.close.mix.size(); ++i)
    f(profile.close.mix[i], "close.mix[" + std::to_string(i) + "]");
  for (size_t k = 0; k < profile.phases.size(); ++k)
    for (size_t i = 0; i < profile.phases[k].mix.size(); ++i)
      f(profile.phases[k].mix[i], "phases[" + std::to_string(k) + "].mix[" + std::to_string(i) + "]");
}

// A reap check needs held connections to judge, each held at least as long as the server is given to reap it:
// with a shorter hold, our own reset at the hold's end would end a connection the server might still reap in time.
void check_reap(const Profile& profile, std::vector<ProfileIssue>& issues) {
  if (!profile.checks.reap.within) return;
  const Duration within = *profile.checks.reap.within;
  bool any_held = false;
  for_each_mix_entry(profile, [&](const CloseChoice& choice, const std::string& path) {
    if (choice.weight <= 0 || !describe(choice.pattern).awaits_reap) return;
    any_held = true;
    if (choice.hold < within)
      issues.push_back({path + ".hold", "hold " + format_duration(choice.hold) + " is shorter than checks.reap.within " +
                                            format_duration(within) +
                                            ": whether the server reaps these peers in time could not be decided; "
                                            "make the hold at least as long as within"});
  });
  if (!any_held)
    issues.push_back({"checks.reap.within",
                      "checks.reap judges held peers, but no close mix has a stall, close_timeout or "
                      "ignore_server_close entry with a weight above 0"});
}

std::string short_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// A search makes its own steps, one block per level, so the keys that shape a run's blocks cannot come with it.
void check_capacity(const Profile& profile, std::vector<ProfileIssue>& issues) {
  const std::optional<CapacitySearch>& capacity = profile.capacity;
  if (capacity) {
    if (!profile.phases.empty())
      issues.push_back({"phases", "a capacity search makes its own steps (one per level): remove phases, or remove "
                                  "capacity to run these phases as fixed steps"});
    if (profile.cycles != 1)
      issues.push_back({"cycles", "a capacity search runs its steps once: cycles must be 1"});
    if (profile.checks.leak.attribute != LeakAttribution::none)
      issues.push_back({"checks.leak.attribute", "a capacity search runs one block per level; attribution by "
                                                 "pattern needs a run of its own (remove capacity or attribute)"});
    if (capacity->max && *capacity->max < capacity->start)
      issues.push_back({"capacity.max", "max (" + format_number(*capacity->max) + ") is below start (" +
                                            format_number(capacity->start) + ")"});
  }
  // Connections are whole; opens per second need not be.
  const bool counts_connections = !capacity || capacity->of == CapacityQuantity::connections;
  if (const auto& min = profile.checks.capacity_min; min && counts_connections && *min != std::floor(*min))
    issues.push_back({"checks.capacity_min", "the sustained level is counted in whole connections; got " +
                                                 short_number(*min) +
                                                 " (a rate is meant only with capacity.of: connect_rate)"});
}

}  // namespace

std::vector<ProfileIssue> validate_profile(const Profile& profile) {
  std::vector<ProfileIssue> issues;
  if (!profile.capacity) check_phases(profile.phases, issues);
  check_capacity(profile, issues);
  check_reap(profile, issues);
  const Lifetime& lifetime = profile.session.lifetime;
  if (lifetime.dist == Lifetime::Dist::uniform && lifetime.min > lifetime.max)
    issues.push_back({"session.lifetime.min", "min (" + format_duration(lifetime.min) + ") is above max (" +
                                                  format_duration(lifetime.max) + ")"});
  if ((lifetime.dist == Lifetime::Dist::fixed || lifetime.dist == Lifetime::Dist::exponential) &&
      lifetime.mean == Duration::zero())
    issues.push_back({"session.lifetime", "a connection lifetime must be greater than zero"});
  if (lifetime.dist == Lifetime::Dist::uniform && lifetime.max == Duration::zero())
    issues.push_back({"session.lifetime.max", "a connection lifetime must be greater than zero"});
  const TlsOptions& tls = profile.target.tls;
  if (tls.cert_file.empty() != tls.key_file.empty())
    issues.push_back({tls.cert_file.empty() ? "target.tls.key_file" : "target.tls.cert_file",
                      "a client certificate needs both cert_file and key_file"});
  const MessagesSpec& messages = profile.session.messages;
  if (messages.interval > Duration::zero() && messages.expect_echo && messages.size > profile.max_message_size)
    issues.push_back({"session.messages.size", "messages of " + format_size(messages.size) +
                                                   " would be echoed back larger than max_message_size (" +
                                                   format_size(profile.max_message_size) + ")"});
  return issues;
}

}  // namespace wsl
