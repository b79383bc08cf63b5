// Dead peers: whether the server gave back every connection of a held pattern within checks.reap.within.
#pragma once

#include <vector>

#include "profile/profile.hpp"
#include "stats/run_stats.hpp"
#include "verdict/leak_verdict.hpp"

namespace wsl {

// One verdict per held pattern (stall, close_timeout, ignore_server_close) that closed connections, as resource
// "reap.<pattern>". The server gave a connection back when it ended TCP while we held it (seen by our TCP_INFO
// probes, so at their resolution); one still open when the hold ended was never reaped. LEAK when any
// connection was never reaped, or reaped later than `within`; PASS when all were reaped in time; INCONCLUSIVE
// when the run was interrupted (holds were cut short) or the counts do not add up. Empty without reap.within.
std::vector<ResourceVerdict> judge_reaps(const RunStats& stats, const ReapCheck& reap, bool interrupted);

}  // namespace wsl
