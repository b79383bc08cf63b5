// The generator's threads for one pass over the schedule: starts the workers, forwards stop requests, merges stats.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/worker.hpp"

namespace wsl {

class WorkerPool {
 public:
  WorkerPool(const Profile& profile, const ResolvedTarget& target, uint32_t shard_index, uint32_t shard_count,
             unsigned workers);
  ~WorkerPool();

  // Creates every worker's event loop; false with *error set when one cannot be created.
  bool init(std::string* error);
  // Every worker reports the connections it starts closing here (may be null).
  void set_reclaim_tracker(ReclaimTracker* tracker);
  // Runs the workers from `start_ns` until each has finished its share; returns their merged stats.
  RunStats run(int64_t start_ns);
  // After run(): each phase's figures, summed over the workers, in phase order.
  std::vector<PhaseStats> phase_stats();
  // Thread-safe, also before run(): drain or abort every worker.
  void request_stop(StopRequest request);
  // Thread-safe: the workers' published counters summed now.
  ProgressSnapshot progress();
  // Thread-safe: merges the workers' published stats (at most 250 ms old) into `sum`.
  void add_published_stats(RunStats& sum);
  // Destroys the workers now, releasing every socket of the run.
  void release();

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Worker>> workers_;
  StopRequest requested_ = StopRequest::none;
};

}  // namespace wsl
