// A worker's stats as of its last publication, for the metrics endpoint to read from another thread.
#pragma once

#include <mutex>

#include "stats/run_stats.hpp"

namespace wsl {

// The worker records into its own RunStats without any synchronisation; a few times a second it copies
// them here. The lock is taken once per publication and once per scrape, never per message, so the
// hot path stays lock-free and a scrape still sees exact histograms.
class PublishedStats {
 public:
  void publish(const RunStats& stats) {
    std::lock_guard<std::mutex> lock(mutex_);
    copy_ = stats;
  }
  void add_to(RunStats& sum) const {
    std::lock_guard<std::mutex> lock(mutex_);
    sum.merge(copy_);
  }

 private:
  mutable std::mutex mutex_;
  RunStats copy_;
};

}  // namespace wsl
