// Tests of Share::owns: shares of shards x workers are disjoint and together own every connection.
#include <gtest/gtest.h>

#include "plan/schedule.hpp"

namespace wsl {
namespace {

TEST(Share, DefaultShareOwnsEverything) {
  Share all;
  for (uint64_t id = 0; id < 100; ++id) EXPECT_TRUE(all.owns(id));
}

TEST(Share, SharesAreDisjointAndComplete) {
  constexpr uint32_t kShards = 3, kWorkers = 4;
  std::vector<int> owners(10000, 0);
  std::vector<int> per_share(kShards * kWorkers, 0);
  for (uint32_t s = 0; s < kShards; ++s) {
    for (uint32_t w = 0; w < kWorkers; ++w) {
      const Share share{s, kShards, w, kWorkers};
      for (uint64_t id = 0; id < owners.size(); ++id) {
        if (share.owns(id)) {
          ++owners[id];
          ++per_share[s * kWorkers + w];
        }
      }
    }
  }
  for (uint64_t id = 0; id < owners.size(); ++id) ASSERT_EQ(owners[id], 1) << "conn " << id;
  // Round-robin dealing gives every share the same number, give or take one.
  for (int n : per_share) EXPECT_NEAR(n, 10000.0 / (kShards * kWorkers), 1.0);
}

TEST(Share, ShardIsChosenBeforeWorker) {
  const Share shard1_worker0{1, 2, 0, 2};
  EXPECT_TRUE(shard1_worker0.owns(1));   // shard 1 (1 % 2), worker 0 ((1 / 2) % 2)
  EXPECT_FALSE(shard1_worker0.owns(3));  // shard 1, worker 1
  EXPECT_TRUE(shard1_worker0.owns(5));   // shard 1, worker 0
  EXPECT_FALSE(shard1_worker0.owns(0));  // shard 0
}

TEST(Share, ZeroCountsActAsOne) {
  const Share odd{0, 0, 0, 0};
  EXPECT_TRUE(odd.owns(17));
}

}  // namespace
}  // namespace wsl
