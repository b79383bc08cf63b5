// When a worker sends the upgrade request straight after connect(): always while that works, rarely once it fails.
#include <gtest/gtest.h>

#include <cstdint>

#include "engine/early_send_policy.hpp"

namespace {

using wsl::EarlySendPolicy;

// Runs `connections` new connections whose early sends all succeed (or all find the connect under way);
// returns how many were tried.
uint32_t tries_over(EarlySendPolicy& policy, uint32_t connections, bool sends_succeed) {
  uint32_t tried = 0;
  for (uint32_t i = 0; i < connections; ++i) {
    if (!policy.should_try()) continue;
    ++tried;
    policy.record(sends_succeed);
  }
  return tried;
}

}  // namespace

TEST(EarlySendPolicy, KeepsTryingWhileSendsSucceed) {
  EarlySendPolicy policy;
  EXPECT_EQ(tries_over(policy, 10000, true), 10000u);
}

TEST(EarlySendPolicy, TriesOneWindowInEveryBackoffWhenSendsMiss) {
  EarlySendPolicy policy;
  const uint32_t period = EarlySendPolicy::kWindow + EarlySendPolicy::kBackoff;
  EXPECT_EQ(tries_over(policy, 10 * period, false), 10 * EarlySendPolicy::kWindow);
}

TEST(EarlySendPolicy, AWindowWithHalfItsSendsSucceedingKeepsTrying) {
  EarlySendPolicy policy;
  for (uint32_t i = 0; i < EarlySendPolicy::kWindow; ++i) {
    ASSERT_TRUE(policy.should_try());
    policy.record(i % 2 == 0);
  }
  EXPECT_TRUE(policy.should_try());
}

TEST(EarlySendPolicy, ComesBackWhenTheSendsStartSucceeding) {
  EarlySendPolicy policy;
  tries_over(policy, EarlySendPolicy::kWindow, false);  // one missed window: the backoff begins
  EXPECT_FALSE(policy.should_try());
  tries_over(policy, EarlySendPolicy::kBackoff, true);  // the rest of the backoff, untried
  EXPECT_EQ(tries_over(policy, 5000, true), 5000u);
}
