// The generator's threads for one pass over the schedule: starts the workers, forwards stop requests, merges stats.
#include "engine/worker_pool.hpp"

#include <pthread.h>

#include <string>
#include <thread>

namespace wsl {

WorkerPool::WorkerPool(const Profile& profile, const ResolvedTarget& target, uint32_t shard_index,
                       uint32_t shard_count, unsigned workers) {
  for (unsigned i = 0; i < workers; ++i)
    workers_.push_back(std::make_unique<Worker>(profile, target, Share{shard_index, shard_count, i, workers}, 0));
}

WorkerPool::~WorkerPool() { release(); }

bool WorkerPool::init(std::string* error) {
  for (auto& worker : workers_)
    if (!worker->init(error)) return false;
  return true;
}

RunStats WorkerPool::run(int64_t start_ns) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& worker : workers_) {
      worker->set_start(start_ns);
      // A stop that came while the pool was being built must still reach every worker.
      if (requested_ != StopRequest::none) worker->request_stop(requested_);
    }
  }
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers_.size(); ++i) {
    threads.emplace_back([this, i] {
      // Named so top -H, perf and the benchmarks can tell the generator's threads apart.
      ::pthread_setname_np(::pthread_self(), ("wsl-worker-" + std::to_string(i)).c_str());
      workers_[i]->run();
    });
  }
  for (auto& thread : threads) thread.join();
  RunStats merged;
  for (const auto& worker : workers_) merged.merge(worker->stats());
  return merged;
}

std::vector<PhaseStats> WorkerPool::phase_stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::vector<PhaseStats>> per_worker;
  for (const auto& worker : workers_) per_worker.push_back(worker->phase_stats());
  return merge_phases(per_worker);
}

void WorkerPool::set_reclaim_tracker(ReclaimTracker* tracker) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& worker : workers_) worker->set_reclaim_tracker(tracker);
}

void WorkerPool::request_stop(StopRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (int(request) > int(requested_)) requested_ = request;
  for (auto& worker : workers_) worker->request_stop(request);
}

ProgressSnapshot WorkerPool::progress() {
  std::lock_guard<std::mutex> lock(mutex_);
  ProgressSnapshot sum;
  for (const auto& worker : workers_) sum.add(worker->live());
  return sum;
}

void WorkerPool::add_published_stats(RunStats& sum) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& worker : workers_) worker->published().add_to(sum);
}

void WorkerPool::release() {
  std::lock_guard<std::mutex> lock(mutex_);
  workers_.clear();
}

}  // namespace wsl
