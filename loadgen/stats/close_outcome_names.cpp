// The stable names of close outcomes, as they appear in metrics labels, reports and the summary.
#include "stats/run_stats.hpp"

namespace wsl {

const char* to_string(CloseOutcome o) {
  switch (o) {
    case CloseOutcome::completed: return "completed";
    case CloseOutcome::server_closed_first: return "server_closed_first";
    case CloseOutcome::timed_out: return "timed_out";
    case CloseOutcome::server_never_closed: return "server_never_closed";
    case CloseOutcome::error: return "error";
  }
  return "unknown";
}

}  // namespace wsl
