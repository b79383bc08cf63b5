// Every profile shipped in profiles/ loads without errors and runs against the embedded server.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "profile/load_profile.hpp"

namespace wsl {
namespace {

std::vector<std::filesystem::path> shipped_profiles() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(WSLOADGEN_SOURCE_DIR) / "profiles"))
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

TEST(ShippedProfiles, AllExpectedProfilesExist) {
  std::vector<std::string> names;
  for (const auto& path : shipped_profiles()) names.push_back(path.stem().string());
  for (const char* expected :
       {"smoke", "churn", "abrupt-drops", "close-timeouts", "mass-disconnect", "soak", "capacity"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
}

TEST(ShippedProfiles, EachLoadsWithoutErrorsAgainstTheEmbeddedServer) {
  for (const auto& path : shipped_profiles()) {
    auto result = load_profile_file(path.string(), {}, no_env());
    for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.profile) << path;
    const Profile& p = *result.profile;
    EXPECT_TRUE(p.target.url.empty()) << path << ": shipped profiles target the embedded server";
    EXPECT_TRUE(!p.phases.empty() || p.capacity) << path << ": phases, or a capacity search that makes its own";
    for (const Phase& phase : p.phases) {
      EXPECT_LE(phase.connections.value_or(0), 5000u) << path << " phase " << phase.name;
    }
    // The resolved form of a shipped profile loads back to the same profile.
    auto again = load_profile_text(render_resolved_profile(p), path.string(), {}, no_env());
    ASSERT_TRUE(again.profile) << path;
    EXPECT_EQ(*again.profile, p) << path;
  }
}

TEST(ShippedProfiles, CapacityIsASearchThatEndsByItself) {
  auto result = load_profile_file(std::string(WSLOADGEN_SOURCE_DIR) + "/profiles/capacity.yaml", {}, no_env());
  ASSERT_TRUE(result.profile);
  const std::optional<CapacitySearch>& search = result.profile->capacity;
  ASSERT_TRUE(search) << "profiles/capacity.yaml runs the search";
  EXPECT_EQ(search->of, CapacityQuantity::connections);
  ASSERT_TRUE(search->max) << "a shipped search has a max, so a run against a strong server ends in bounded time";
  EXPECT_LE(*search->max, 15000);
  EXPECT_GE(search->refine, 1u);
}

TEST(ShippedProfiles, SmokeIsShortAndCoversEveryPattern) {
  auto result = load_profile_file(std::string(WSLOADGEN_SOURCE_DIR) + "/profiles/smoke.yaml", {}, no_env());
  ASSERT_TRUE(result.profile);
  const Profile& p = *result.profile;
  Duration total{0};
  for (const Phase& phase : p.phases) {
    if (phase.duration) total += *phase.duration;
    if (phase.connections && phase.connect_rate && !phase.duration)
      total += std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*phase.connections / *phase.connect_rate));
  }
  EXPECT_LT(total, Duration(10s));
  EXPECT_EQ(p.cycles, 1u);
  std::vector<bool> listed(kClosePatternCount, false);
  for (const CloseChoice& c : p.close.mix) listed[static_cast<size_t>(c.pattern)] = true;
  for (int i = 0; i < kClosePatternCount; ++i) EXPECT_TRUE(listed[i]) << to_string(ClosePattern(i)) << " missing";
}

}  // namespace
}  // namespace wsl
