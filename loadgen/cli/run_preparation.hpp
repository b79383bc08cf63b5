// Everything a run needs before the load starts: limits, the target (embedded or resolved), preflight, monitor.
#pragma once

#include <memory>
#include <string>

#include "cli/command_line.hpp"
#include "engine/resolved_target.hpp"
#include "monitor/monitor.hpp"
#include "profile/profile.hpp"
#include "target/embedded_server_process.hpp"

namespace wsl {

struct PreparedRun {
  ResolvedTarget target;
  std::string target_label;  // for the summary; never shows a secret
  std::unique_ptr<EmbeddedServerProcess> embedded;
  std::string monitor_note;  // why the server is not monitored, when it is not
};

// Checks limits, starts the embedded server or resolves the target, and runs the preflight.
// Returns kExitPassed, or the exit code to stop with (the message is already printed).
int prepare_run(const Profile& profile, const Command& command, PreparedRun* prepared);

// The monitor for this target, started; nullptr (with prepared->monitor_note saying why) when the server
// cannot be watched from here.
std::unique_ptr<Monitor> start_monitor(const Profile& profile, PreparedRun& prepared, int64_t epoch_ns,
                                       ReclaimTracker* reclaims);

}  // namespace wsl
