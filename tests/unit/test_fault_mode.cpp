// Tests the parsing and validation of the reference server's `--fault` names.
#include <gtest/gtest.h>

#include "server/fault_mode.hpp"

using namespace std::chrono_literals;

namespace wsl {
namespace {

TEST(FaultMode, NoFaultsMeansAWellBehavedServer) {
  FaultModes faults;
  std::string error;
  ASSERT_TRUE(parse_fault_modes({}, &faults, &error));
  EXPECT_EQ(faults, FaultModes{});
  EXPECT_TRUE(unimplemented_faults(faults).empty());
}

TEST(FaultMode, ParsesEveryKnownName) {
  FaultModes faults;
  std::string error;
  ASSERT_TRUE(parse_fault_modes({"no-ping-timeout", "leak-on-abort"}, &faults, &error)) << error;
  EXPECT_TRUE(faults.no_ping_timeout);
  EXPECT_TRUE(faults.leak_on_abort);
  EXPECT_FALSE(faults.no_close_reply);
  EXPECT_FALSE(faults.slow_close.has_value());

  ASSERT_TRUE(parse_fault_modes({"no-close-reply"}, &faults, &error)) << error;
  EXPECT_TRUE(faults.no_close_reply);
  EXPECT_FALSE(faults.leak_on_abort) << "each parse starts from a clean set";
}

TEST(FaultMode, SlowCloseTakesADuration) {
  FaultModes faults;
  std::string error;
  ASSERT_TRUE(parse_fault_modes({"slow-close=250ms"}, &faults, &error)) << error;
  EXPECT_EQ(faults.slow_close, 250ms);
  ASSERT_TRUE(parse_fault_modes({"slow-close=3s"}, &faults, &error));
  EXPECT_EQ(faults.slow_close, 3s);
  ASSERT_TRUE(parse_fault_modes({"slow-close=2m"}, &faults, &error));
  EXPECT_EQ(faults.slow_close, 2min);
  ASSERT_TRUE(parse_fault_modes({"slow-close=1h"}, &faults, &error));
  EXPECT_EQ(faults.slow_close, 1h);
}

TEST(FaultMode, RejectsMalformedSlowClose) {
  for (const char* bad : {"slow-close", "slow-close=", "slow-close=5", "slow-close=fast",
                          "slow-close=-1s", "slow-close=1.5s", "slow-close=10sec"}) {
    FaultModes faults;
    faults.leak_on_abort = true;
    std::string error;
    EXPECT_FALSE(parse_fault_modes({bad}, &faults, &error)) << bad;
    EXPECT_NE(error.find("slow-close"), std::string::npos) << error;
    EXPECT_TRUE(faults.leak_on_abort) << "output is untouched on failure";
  }
}

TEST(FaultMode, UnknownNameListsTheKnownOnes) {
  FaultModes faults;
  std::string error;
  EXPECT_FALSE(parse_fault_modes({"leak-on-abort", "no-close"}, &faults, &error));
  EXPECT_NE(error.find("no-close:"), std::string::npos) << error;
  for (const char* known :
       {"no-close-reply", "slow-close=DURATION", "no-ping-timeout", "leak-on-abort", "leak-memory=SIZE"})
    EXPECT_NE(error.find(known), std::string::npos) << known << " missing from: " << error;
}

TEST(FaultMode, NoCloseReplyAndSlowCloseContradict) {
  FaultModes faults;
  std::string error;
  EXPECT_FALSE(parse_fault_modes({"no-close-reply", "slow-close=1s"}, &faults, &error));
  EXPECT_NE(error.find("contradict"), std::string::npos) << error;
}

TEST(FaultMode, EveryFaultIsEnacted) {
  FaultModes faults;
  faults.slow_close = 1s;
  faults.no_ping_timeout = true;
  faults.leak_on_abort = true;
  EXPECT_TRUE(unimplemented_faults(faults).empty());
  FaultModes withholding;
  withholding.no_close_reply = true;
  EXPECT_TRUE(unimplemented_faults(withholding).empty());
}

TEST(FaultMode, LeakMemoryTakesASize) {
  FaultModes faults;
  std::string error;
  ASSERT_TRUE(parse_fault_modes({"leak-memory=256KiB"}, &faults, &error)) << error;
  EXPECT_EQ(faults.leak_memory, 256u * 1024);
  EXPECT_FALSE(parse_fault_modes({"leak-memory=lots"}, &faults, &error));
  EXPECT_NE(error.find("leak-memory=lots"), std::string::npos) << error;
  EXPECT_FALSE(parse_fault_modes({"leak-memory=0"}, &faults, &error));
}

TEST(FaultMode, MaxConnectionsTakesAWholeNumber) {
  FaultModes faults;
  std::string error;
  ASSERT_TRUE(parse_fault_modes({"max-connections=5000"}, &faults, &error)) << error;
  EXPECT_EQ(faults.max_connections, 5000u);
  for (const char* bad : {"max-connections=", "max-connections=0", "max-connections=-3", "max-connections=12k",
                          "max-connections=1.5"}) {
    EXPECT_FALSE(parse_fault_modes({bad}, &faults, &error)) << bad;
    EXPECT_NE(error.find("max-connections="), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace wsl
