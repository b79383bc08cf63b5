// Reads the top level of a profile and assembles the Profile from its sections, then checks cross-key rules.
#include <cctype>

#include "profile/profile_validation.hpp"
#include "profile/profile_keys.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"
#include "vocabulary/units.hpp"

namespace wsl {
namespace {

constexpr const auto& kTopKeys = profile_keys::kTop;
constexpr const auto& kReportKeys = profile_keys::kReport;
constexpr uint64_t kMaxWorkers = 1024;

void read_workers(ReadContext& ctx, const YAML::Node& node, const std::string& path, unsigned& workers) {
  if (node.IsScalar() && node.Scalar() == "auto") {
    workers = 0;
    return;
  }
  if (!node.IsScalar() || node.Scalar().empty() || !std::isdigit(static_cast<unsigned char>(node.Scalar()[0])))
    return ctx.error(node, path, "expected auto or a number of threads from 1 to 1024");
  if (auto n = read_unsigned(ctx, node, path, 1, kMaxWorkers)) workers = unsigned(*n);
}

void read_report(ReadContext& ctx, const YAML::Node& node, const std::string& path, ReportSpec& report) {
  for_each_entry(ctx, node, path, kReportKeys, [&](const std::string&, const YAML::Node& value, const std::string& p) {
    auto dir = read_string(ctx, value, p);
    if (dir && dir->empty()) ctx.error(value, p, "expected a directory for the reports, such as out/");
    else if (dir) report.dir = *dir;
  });
}

}  // namespace

Profile read_profile(ReadContext& ctx, const YAML::Node& root, const std::string& default_name) {
  Profile profile;
  profile.name = default_name;
  bool has_phases = false, has_capacity = false;
  for_each_entry(ctx, root, "", kTopKeys, [&](const std::string& key, const YAML::Node& value, const std::string& p) {
    if (key == "name") {
      auto name = read_string(ctx, value, p);
      if (name && name->empty()) ctx.error(value, p, "expected a non-empty profile name");
      else if (name) profile.name = *name;
    } else if (key == "target") {
      read_target(ctx, value, p, profile.target);
    } else if (key == "workers") {
      read_workers(ctx, value, p, profile.workers);
    } else if (key == "seed") {
      if (auto n = read_unsigned(ctx, value, p)) profile.seed = *n;
    } else if (key == "cycles") {
      if (auto n = read_unsigned(ctx, value, p, 1, UINT32_MAX)) profile.cycles = uint32_t(*n);
    } else if (key == "phases") {
      has_phases = true;
      read_phases(ctx, value, p, profile.phases);
    } else if (key == "session") {
      read_session(ctx, value, p, profile.session);
    } else if (key == "close") {
      read_close(ctx, value, p, profile.close);
    } else if (key == "monitor") {
      read_monitor(ctx, value, p, profile.monitor);
    } else if (key == "checks") {
      read_checks(ctx, value, p, profile.checks);
    } else if (key == "capacity") {
      has_capacity = true;
      read_capacity(ctx, value, p, profile.capacity);
    } else if (key == "metrics") {
      read_metrics(ctx, value, p, profile.metrics);
    } else if (key == "report") {
      read_report(ctx, value, p, profile.report);
    } else if (key == "max_message_size") {
      if (auto s = read_size(ctx, value, p, 1)) profile.max_message_size = *s;
    } else if (key == "timer_slack") {
      if (auto d = read_duration(ctx, value, p)) {
        if (*d > kMaxTimerSlack) ctx.error(value, p, "at most " + format_duration(kMaxTimerSlack) + " (0s = exact timing)");
        else profile.timer_slack = *d;
      }
    }
  });
  // The documented default close: a normal closure, so a profile without a mix is polite.
  if (profile.close.mix.empty()) profile.close.mix.push_back(CloseChoice{});
  // Cross-key rules only make sense once every single value read cleanly; a missing phase list always counts.
  const bool read_cleanly = ctx.errors().empty();
  for (const ProfileIssue& issue : validate_profile(profile))
    if (read_cleanly || (!has_phases && !has_capacity && issue.key_path == "phases"))
      ctx.error_at_path(issue.key_path, issue.message);
  return profile;
}

}  // namespace wsl
