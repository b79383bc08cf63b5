// The worker's deadline heap: earliest first, nothing before it is due; and the grid its timers are planned on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/timer_queue.hpp"
#include "plan/timer_grid.hpp"

namespace {

struct Item {
  int id = 0;
  size_t timer_index = SIZE_MAX;
};

using Queue = wsl::TimerQueue<Item>;

}  // namespace

TEST(TimerQueue, PopsInDueOrderOnlyWhenDue) {
  Queue q;
  Item a{1}, b{2}, c{3};
  q.arm(c, 300);
  q.arm(a, 100);
  q.arm(b, 200);
  EXPECT_EQ(q.earliest_ns(), 100);
  EXPECT_EQ(q.pop_due(99), nullptr);
  EXPECT_EQ(q.pop_due(250), &a);
  EXPECT_EQ(q.pop_due(250), &b);
  EXPECT_EQ(q.pop_due(250), nullptr);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(a.timer_index, Queue::kNotArmed);  // a popped item has no timer until it is armed again
  EXPECT_NE(c.timer_index, Queue::kNotArmed);
}

TEST(TimerQueue, ReArmingMovesTheOneEntryAndCancellingRemovesIt) {
  Queue q;
  Item a{1}, b{2}, c{3};
  q.arm(a, 10);
  q.arm(b, 20);
  q.arm(c, 30);
  q.arm(a, 40);  // later: a moves behind b and c, still one entry
  EXPECT_EQ(q.size(), 3u);
  q.arm(c, 5);   // sooner: c comes first
  q.cancel(b);   // gone without being due
  q.cancel(b);   // a second cancel is a no-op
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.pop_due(100), &c);
  EXPECT_EQ(q.pop_due(100), &a);
  EXPECT_TRUE(q.empty());
}

TEST(TimerQueue, StaysAHeapThroughManyMovesAndCancels) {
  // Against a plain sort: every item's last due time, cancelled ones left out, pops in order.
  Queue q;
  std::vector<Item> items(500);
  std::vector<int64_t> last(items.size(), -1);
  uint64_t x = 12345;
  auto next = [&] { return x = x * 6364136223846793005ull + 1442695040888963407ull; };
  for (int round = 0; round < 5000; ++round) {
    const size_t i = next() % items.size();
    if (next() % 5 == 0) {
      q.cancel(items[i]);
      last[i] = -1;
    } else {
      last[i] = int64_t(next() % 100000);
      q.arm(items[i], last[i]);
    }
  }
  std::vector<int64_t> expected;
  for (int64_t due : last)
    if (due >= 0) expected.push_back(due);
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(q.size(), expected.size());
  for (int64_t due : expected) {
    ASSERT_EQ(q.earliest_ns(), due);
    Item* item = q.pop_due(INT64_MAX - 1);
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(last[size_t(item - items.data())], due);
  }
  EXPECT_TRUE(q.empty());
}

// timer_slack's grid: every instant is planned at the end of its step, never before it, less than a step after.
TEST(TimerGrid, PlansEachInstantAtTheEndOfItsStepNeverEarly) {
  const wsl::TimerGrid grid(1'000'000'000, 1'000'000);  // origin 1 s, step 1 ms
  EXPECT_EQ(grid.plan(1'000'000'000), 1'000'000'000);  // on the grid: unchanged
  EXPECT_EQ(grid.plan(1'000'000'001), 1'001'000'000);
  EXPECT_EQ(grid.plan(1'000'999'999), 1'001'000'000);  // the same wake-up as the one above
  EXPECT_EQ(grid.plan(1'001'000'000), 1'001'000'000);
  EXPECT_EQ(grid.plan(1'001'000'001), 1'002'000'000);
  for (int64_t t = 1'000'000'000; t < 1'000'000'000 + 5'000'000; t += 37'123) {
    EXPECT_GE(grid.plan(t), t);
    EXPECT_LT(grid.plan(t) - t, 1'000'000);
    EXPECT_EQ((grid.plan(t) - 1'000'000'000) % 1'000'000, 0);
  }
}

TEST(TimerGrid, StepZeroIsExactAndNeverStaysNever) {
  const wsl::TimerGrid exact(0, 0);
  EXPECT_EQ(exact.plan(123'456'789), 123'456'789);
  const wsl::TimerGrid grid(0, 1'000'000);
  EXPECT_EQ(grid.plan(INT64_MAX), INT64_MAX);  // "no timer" must not wrap round into the past
  EXPECT_EQ(grid.plan(-5), -5);                // before the origin: nothing to round to
}

// Latency starts at the plan, or when the action was taken if sooner; lateness is what came after the plan.
TEST(TimerGrid, LatencyStartsAtThePlanOrTheActionIfSoonerAndLatenessIsWhatCameAfter) {
  const wsl::TimerGrid grid(0, 1'000'000);
  // Due at 10.2 ms, planned at 11 ms.
  EXPECT_EQ(grid.latency_origin(10'200'000, 10'600'000), 10'600'000);  // taken early at a socket event's wake-up
  EXPECT_EQ(grid.lateness(10'200'000, 10'600'000), 0);
  EXPECT_EQ(grid.latency_origin(10'200'000, 11'000'000), 11'000'000);  // on the plan
  EXPECT_EQ(grid.lateness(10'200'000, 11'000'000), 0);
  EXPECT_EQ(grid.latency_origin(10'200'000, 13'500'000), 11'000'000);  // a busy worker: its lateness still counts
  EXPECT_EQ(grid.lateness(10'200'000, 13'500'000), 2'500'000);
  const wsl::TimerGrid exact(0, 0);  // step 0: the origin is the due time itself, as without a grid
  EXPECT_EQ(exact.latency_origin(10'200'000, 13'500'000), 10'200'000);
  EXPECT_EQ(exact.lateness(10'200'000, 13'500'000), 3'300'000);
}
