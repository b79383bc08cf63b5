// Bookkeeping of open connections and their lifetime ends, kept in step with each other.
#include "plan/open_connections.hpp"

#include <algorithm>
#include <functional>

namespace wsl {
namespace {

// std::*_heap build a max-heap; this order puts the earliest end (then the lowest id) on top.
constexpr std::greater<std::pair<Duration, uint64_t>> kLaterFirst{};

// Closed entries are dropped in bulk once they outnumber the open ones (plus a little, so a small schedule never
// compacts): each compaction is paid for by as many removals, so it costs amortised constant time.
constexpr std::size_t kCompactionSlack = 16;

}  // namespace

void OpenConnections::add(uint64_t conn_id, std::optional<Duration> expires_at) {
  open_.emplace(conn_id, expires_at);
  by_age_.push_back(conn_id);
  if (expires_at) {
    by_expiry_.emplace_back(*expires_at, conn_id);
    std::push_heap(by_expiry_.begin(), by_expiry_.end(), kLaterFirst);
    ++open_with_expiry_;
  }
}

void OpenConnections::remove(uint64_t conn_id) {
  auto it = open_.find(conn_id);
  if (it == open_.end()) return;
  if (it->second) --open_with_expiry_;
  open_.erase(it);
  if (open_.empty()) {  // nothing left to keep: the run holds no trace of its closed connections
    by_age_.clear();
    by_expiry_.clear();
    return;
  }
  compact_if_mostly_closed();
}

uint64_t OpenConnections::oldest() {
  while (!open_.count(by_age_.front())) by_age_.pop_front();
  return by_age_.front();
}

std::optional<OpenConnections::Expiry> OpenConnections::earliest_expiry() {
  // An id opens once, so an entry whose connection is no longer open is stale.
  while (!by_expiry_.empty() && !open_.count(by_expiry_.front().second)) {
    std::pop_heap(by_expiry_.begin(), by_expiry_.end(), kLaterFirst);
    by_expiry_.pop_back();
  }
  if (by_expiry_.empty()) return std::nullopt;
  return Expiry{by_expiry_.front().first, by_expiry_.front().second};
}

void OpenConnections::compact_if_mostly_closed() {
  auto closed = [this](uint64_t id) { return !open_.count(id); };
  if (by_age_.size() > 2 * open_.size() + kCompactionSlack)
    by_age_.erase(std::remove_if(by_age_.begin(), by_age_.end(), closed), by_age_.end());
  if (by_expiry_.size() > 2 * open_with_expiry_ + kCompactionSlack) {
    by_expiry_.erase(std::remove_if(by_expiry_.begin(), by_expiry_.end(),
                                    [&](const HeapEntry& entry) { return closed(entry.second); }),
                     by_expiry_.end());
    std::make_heap(by_expiry_.begin(), by_expiry_.end(), kLaterFirst);
  }
}

}  // namespace wsl
