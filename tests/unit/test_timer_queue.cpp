// The worker's deadline heap: earliest first, nothing before it is due; and the grid its timers are planned on.
#include <gtest/gtest.h>

#include "engine/timer_queue.hpp"
#include "plan/timer_grid.hpp"

using wsl::TimerQueue;

TEST(TimerQueue, PopsInDueOrderOnlyWhenDue) {
  TimerQueue q;
  q.arm(300, 3, 1);
  q.arm(100, 1, 1);
  q.arm(200, 2, 1);
  EXPECT_EQ(q.earliest_ns(), 100);
  TimerQueue::Entry e;
  EXPECT_FALSE(q.pop_due(99, e));
  ASSERT_TRUE(q.pop_due(250, e));
  EXPECT_EQ(e.conn_id, 1u);
  ASSERT_TRUE(q.pop_due(250, e));
  EXPECT_EQ(e.conn_id, 2u);
  EXPECT_FALSE(q.pop_due(250, e));
  EXPECT_EQ(q.size(), 1u);
}

TEST(TimerQueue, KeepsTokensForLazyCancellation) {
  TimerQueue q;
  q.arm(10, 7, 1);
  q.arm(20, 7, 2);  // re-armed: the worker ignores the entry whose token is no longer current
  TimerQueue::Entry e;
  ASSERT_TRUE(q.pop_due(100, e));
  EXPECT_EQ(e.token, 1u);
  ASSERT_TRUE(q.pop_due(100, e));
  EXPECT_EQ(e.token, 2u);
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
