// Tests the human-readable formatting of durations and byte sizes.
#include <gtest/gtest.h>

#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

TEST(HumanDuration, ScalesUnitsWithThreeSignificantDigits) {
  EXPECT_EQ(human_duration(0ns), "0s");
  EXPECT_EQ(human_duration(850ns), "850ns");
  EXPECT_EQ(human_duration(1us), "1.00µs");
  EXPECT_EQ(human_duration(812us), "812µs");
  EXPECT_EQ(human_duration(3410us), "3.41ms");
  EXPECT_EQ(human_duration(45600us), "45.6ms");
  EXPECT_EQ(human_duration(1200ms), "1.20s");
  EXPECT_EQ(human_duration(59900ms), "59.9s");
}

TEST(HumanDuration, RoundsUpIntoTheNextUnitInsteadOfPrintingFourDigits) {
  EXPECT_EQ(human_duration(999'700ns), "1.00ms");
  EXPECT_EQ(human_duration(9'996us), "10.0ms");
  EXPECT_EQ(human_duration(999'600us), "1.00s");
  EXPECT_EQ(human_duration(59'970ms), "1m00s");
}

TEST(HumanDuration, LongDurationsUseMinutesAndHours) {
  EXPECT_EQ(human_duration(125s), "2m05s");
  EXPECT_EQ(human_duration(119'600ms), "2m00s");
  EXPECT_EQ(human_duration(3720s), "1h02m");
  EXPECT_EQ(human_duration(std::chrono::hours(26)), "26h00m");
}

TEST(HumanDuration, NegativeDurationsKeepTheirSign) {
  EXPECT_EQ(human_duration(-3410us), "-3.41ms");
  EXPECT_EQ(human_duration(Duration::min()).substr(0, 1), "-");
}

TEST(HumanBytes, UsesBinaryUnits) {
  EXPECT_EQ(human_bytes(0), "0B");
  EXPECT_EQ(human_bytes(512), "512B");
  EXPECT_EQ(human_bytes(1023), "1023B");
  EXPECT_EQ(human_bytes(1024), "1.00KiB");
  EXPECT_EQ(human_bytes(4096), "4.00KiB");
  EXPECT_EQ(human_bytes(1536ull << 10), "1.50MiB");
  EXPECT_EQ(human_bytes(15ull << 30), "15.0GiB");
  EXPECT_EQ(human_bytes(150ull << 20), "150MiB");
}

TEST(HumanBytes, SwitchesUnitBeforeReachingAThousand) {
  EXPECT_EQ(human_bytes(1000ull << 10), "0.98MiB");
  EXPECT_EQ(human_bytes(UINT64_MAX), "16.0EiB");
}

}  // namespace
}  // namespace wsl
