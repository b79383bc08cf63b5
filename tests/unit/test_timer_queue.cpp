// The worker's deadline heap: earliest first, nothing before it is due.
#include <gtest/gtest.h>

#include "engine/timer_queue.hpp"

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
