// Per-worker deadlines of connections: a min-heap with lazy cancellation by token.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

namespace wsl {

// One heap entry per arming; re-arming a connection bumps its token so older entries are skipped
// when they surface. That keeps arming O(log n) with no search.
class TimerQueue {
 public:
  struct Entry {
    int64_t due_ns;
    uint64_t conn_id;
    uint32_t token;
  };

  void arm(int64_t due_ns, uint64_t conn_id, uint32_t token) { heap_.push({due_ns, conn_id, token}); }
  bool empty() const { return heap_.empty(); }
  int64_t earliest_ns() const { return heap_.top().due_ns; }
  size_t size() const { return heap_.size(); }

  // Removes and returns the earliest entry if it is due at `now_ns`.
  bool pop_due(int64_t now_ns, Entry& out) {
    if (heap_.empty() || heap_.top().due_ns > now_ns) return false;
    out = heap_.top();
    heap_.pop();
    return true;
  }

 private:
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return a.due_ns > b.due_ns; }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
};

}  // namespace wsl
