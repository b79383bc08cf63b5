// Per-worker deadlines of connections: a min-heap holding at most one entry per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wsl {

// Each item knows its own place in the heap (`Item::timer_index`, kNotArmed when it has none), so re-arming moves
// its one entry in place and a connection that goes takes its entry with it. The heap then holds only live
// timers. (It used to push an entry per arming and skip superseded ones when they surfaced: with connect, upgrade
// and close deadlines of seconds superseded within milliseconds, it held ten times the live connections, and every
// pop walked a heap far larger than the cache.)
template <class Item>
class TimerQueue {
 public:
  static constexpr size_t kNotArmed = SIZE_MAX;

  // Sets `item`'s timer to `due_ns`, wherever it was.
  void arm(Item& item, int64_t due_ns) {
    size_t at = item.timer_index;
    if (at == kNotArmed) {
      at = heap_.size();
      heap_.push_back({due_ns, &item});
      item.timer_index = at;
      sift_up(at);
      return;
    }
    const int64_t was = heap_[at].due_ns;
    heap_[at].due_ns = due_ns;
    if (due_ns < was) sift_up(at);
    else sift_down(at);
  }

  // Removes `item`'s timer, if it has one. An item must be cancelled before it is destroyed.
  void cancel(Item& item) {
    const size_t at = item.timer_index;
    if (at == kNotArmed) return;
    item.timer_index = kNotArmed;
    const size_t last = heap_.size() - 1;
    if (at != last) {
      place(at, heap_[last]);
      heap_.pop_back();
      sift_up(at);
      sift_down(at);
    } else {
      heap_.pop_back();
    }
  }

  bool empty() const { return heap_.empty(); }
  int64_t earliest_ns() const { return heap_.front().due_ns; }
  size_t size() const { return heap_.size(); }

  // Removes and returns the item whose timer is earliest if it is due at `now_ns`; nullptr otherwise.
  Item* pop_due(int64_t now_ns) {
    if (heap_.empty() || heap_.front().due_ns > now_ns) return nullptr;
    Item* item = heap_.front().item;
    cancel(*item);
    return item;
  }

 private:
  struct Entry {
    int64_t due_ns;
    Item* item;
  };

  void place(size_t at, const Entry& entry) {
    heap_[at] = entry;
    entry.item->timer_index = at;
  }

  void sift_up(size_t at) {
    const Entry moving = heap_[at];
    while (at > 0) {
      const size_t parent = (at - 1) / 2;
      if (heap_[parent].due_ns <= moving.due_ns) break;
      place(at, heap_[parent]);
      at = parent;
    }
    place(at, moving);
  }

  void sift_down(size_t at) {
    const Entry moving = heap_[at];
    const size_t n = heap_.size();
    for (;;) {
      size_t child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].due_ns < heap_[child].due_ns) ++child;
      if (moving.due_ns <= heap_[child].due_ns) break;
      place(at, heap_[child]);
      at = child;
    }
    place(at, moving);
  }

  std::vector<Entry> heap_;
};

}  // namespace wsl
