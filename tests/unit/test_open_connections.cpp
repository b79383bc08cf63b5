// Tests of OpenConnections: oldest first, earliest lifetime end first, lazy removal, and bounded memory.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "plan/open_connections.hpp"

namespace wsl {
namespace {

using namespace std::chrono_literals;

TEST(OpenConnections, OldestSkipsClosedConnections) {
  OpenConnections open;
  for (uint64_t id = 0; id < 5; ++id) open.add(id, std::nullopt);
  open.remove(0);
  open.remove(1);
  open.remove(3);
  EXPECT_EQ(open.oldest(), 2u);
  open.remove(2);
  EXPECT_EQ(open.oldest(), 4u);
  EXPECT_EQ(open.size(), 1u);
  EXPECT_TRUE(open.contains(4));
  EXPECT_FALSE(open.contains(3));
}

TEST(OpenConnections, EarliestExpiryBreaksTiesByLowestIdAndSkipsClosed) {
  OpenConnections open;
  open.add(0, 5s);
  open.add(1, 3s);
  open.add(2, std::nullopt);
  open.add(3, 3s);
  open.add(4, 1s);
  ASSERT_TRUE(open.earliest_expiry());
  EXPECT_EQ(open.earliest_expiry()->conn_id, 4u);
  open.remove(4);
  EXPECT_EQ(open.earliest_expiry()->conn_id, 1u);  // 1 and 3 end together: the lower id first
  EXPECT_EQ(open.earliest_expiry()->at, 3s);
  open.remove(1);
  EXPECT_EQ(open.earliest_expiry()->conn_id, 3u);
  open.remove(3);
  open.remove(0);
  EXPECT_FALSE(open.earliest_expiry());  // 2 never ends
  EXPECT_EQ(open.oldest(), 2u);
}

TEST(OpenConnections, RemovingAnUnknownIdDoesNothing) {
  OpenConnections open;
  open.add(7, 1s);
  open.remove(8);
  open.remove(7);
  open.remove(7);
  EXPECT_TRUE(open.empty());
  EXPECT_EQ(open.held_count(), 0u);  // nothing of a closed connection stays behind
}

// Against a plain ordered model, under random opens and closes, including a connection that stays open from the
// start while thousands churn past it: answers agree, and what is held stays within a small multiple of what is
// open.
TEST(OpenConnections, MatchesAnOrderedModelAndStaysBounded) {
  OpenConnections open;
  std::set<uint64_t> model_ids;
  std::set<std::pair<Duration, uint64_t>> model_ends;
  std::mt19937_64 random(42);
  open.add(0, std::nullopt);  // the long-lived oldest
  model_ids.insert(0);
  uint64_t next_id = 1;
  for (int step = 0; step < 200'000; ++step) {
    const bool add = model_ids.size() < 50 || (model_ids.size() < 400 && random() % 2 == 0);
    if (add) {
      std::optional<Duration> end;
      if (random() % 4 != 0) end = Duration(int64_t(random() % 1000));
      open.add(next_id, end);
      model_ids.insert(next_id);
      if (end) model_ends.emplace(*end, next_id);
      ++next_id;
    } else if (random() % 2 == 0 && !model_ends.empty()) {  // the earliest lifetime ends
      const auto [at, id] = *model_ends.begin();
      const auto earliest = open.earliest_expiry();
      ASSERT_TRUE(earliest);
      ASSERT_EQ(earliest->conn_id, id);
      ASSERT_EQ(earliest->at, at);
      open.remove(id);
      model_ids.erase(id);
      model_ends.erase(model_ends.begin());
    } else {  // the oldest after the long-lived one is closed by a phase
      const uint64_t id = *std::next(model_ids.begin());
      open.remove(id);
      model_ids.erase(id);
      std::erase_if(model_ends, [id](const auto& end) { return end.second == id; });
    }
    ASSERT_EQ(open.size(), model_ids.size());
    ASSERT_EQ(open.oldest(), 0u);
    ASSERT_LE(open.held_count(), 5 * open.size() + 32);
  }
}

}  // namespace
}  // namespace wsl
