// Unit syntax of profiles: durations, rates and sizes, both directions, and the messages for bad input.
#include <gtest/gtest.h>

#include "vocabulary/units.hpp"

namespace wsl {
namespace {

TEST(ProfileUnits, ParsesDurations) {
  EXPECT_EQ(parse_duration("500ms").value, Duration(500ms));
  EXPECT_EQ(parse_duration("30s").value, Duration(30s));
  EXPECT_EQ(parse_duration("5m").value, Duration(5min));
  EXPECT_EQ(parse_duration("2h").value, Duration(2h));
  EXPECT_EQ(parse_duration("1.5s").value, Duration(1500ms));
  EXPECT_EQ(parse_duration("250us").value, Duration(250us));
  EXPECT_EQ(parse_duration("1m30s").value, Duration(90s));
  EXPECT_EQ(parse_duration("0s").value, Duration(0));
}

TEST(ProfileUnits, RejectsBadDurations) {
  auto bare = parse_duration("30");
  EXPECT_FALSE(bare.value);
  EXPECT_NE(bare.error.find("expected a duration such as 500ms or 30s"), std::string::npos) << bare.error;
  EXPECT_FALSE(parse_duration("-5s").value);
  EXPECT_NE(parse_duration("-5s").error.find("negative"), std::string::npos);
  EXPECT_FALSE(parse_duration("5 parsecs").value);
  EXPECT_FALSE(parse_duration("").value);
  EXPECT_FALSE(parse_duration("s").value);
  EXPECT_FALSE(parse_duration("10d").value);
}

TEST(ProfileUnits, ParsesRatesAsPerSecond) {
  EXPECT_DOUBLE_EQ(*parse_rate("200/s").value, 200);
  EXPECT_DOUBLE_EQ(*parse_rate("12000/m").value, 200);
  EXPECT_DOUBLE_EQ(*parse_rate("10/h").value, 10.0 / 3600);
  EXPECT_DOUBLE_EQ(*parse_rate("7").value, 7);
  EXPECT_DOUBLE_EQ(*parse_rate("0.5/s").value, 0.5);
}

TEST(ProfileUnits, RejectsZeroNegativeAndUnknownRates) {
  EXPECT_FALSE(parse_rate("0/s").value);
  EXPECT_NE(parse_rate("0/s").error.find("greater than zero"), std::string::npos);
  EXPECT_FALSE(parse_rate("-3/s").value);
  EXPECT_FALSE(parse_rate("5/d").value);
  EXPECT_FALSE(parse_rate("fast").value);
}

TEST(ProfileUnits, ParsesSizes) {
  EXPECT_EQ(parse_size("128").value, 128u);
  EXPECT_EQ(parse_size("128B").value, 128u);
  EXPECT_EQ(parse_size("4KiB").value, 4096u);
  EXPECT_EQ(parse_size("1MiB").value, 1u << 20);
  EXPECT_EQ(parse_size("1GiB").value, 1ull << 30);
  EXPECT_EQ(parse_size("4KB").value, 4000u);
  EXPECT_EQ(parse_size("1.5KiB").value, 1536u);
  EXPECT_EQ(parse_size_per_cycle("1MiB/cycle").value, double(1 << 20));
  EXPECT_EQ(parse_size_per_cycle("512KiB").value, double(512 << 10));
}

TEST(ProfileUnits, RejectsBadSizes) {
  EXPECT_FALSE(parse_size("-1").value);
  EXPECT_FALSE(parse_size("4XB").value);
  EXPECT_FALSE(parse_size("0.5").value);  // not a whole number of bytes
  EXPECT_FALSE(parse_size("MiB").value);
  EXPECT_FALSE(parse_size_per_cycle("1MiB/day").value);
}

TEST(ProfileUnits, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(format_duration(2h), "2h");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(Duration(0)), "0s");
  EXPECT_EQ(format_rate(200), "200/s");
  EXPECT_EQ(format_size(16ull << 20), "16MiB");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_size_per_cycle(1 << 20), "1MiB/cycle");
}

TEST(ProfileUnits, FormattedValuesParseBackExactly) {
  for (Duration d : {Duration(1), Duration(1500ms), Duration(3h), Duration(123456789)})
    EXPECT_EQ(parse_duration(format_duration(d)).value, d);
  for (double r : {200.0, 10.0 / 3600, 0.1, 1e6, 1.0 / 3})
    EXPECT_EQ(parse_rate(format_rate(r)).value, r) << format_rate(r);
  for (uint64_t s : {uint64_t(0), uint64_t(1), uint64_t(4096), uint64_t(5000), uint64_t(3) << 40})
    EXPECT_EQ(parse_size(format_size(s)).value, s);
}

}  // namespace
}  // namespace wsl
