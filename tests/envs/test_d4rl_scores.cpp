#include <gtest/gtest.h>

#include <stdexcept>

#include "envs/d4rl_scores.h"

namespace mindt::envs {
namespace {

TEST(D4rlScores, RandomAndExpertReturnsMapTo0And100) {
  for (const auto& env : d4rl_env_names()) {
    const ReferenceScores r = reference_scores(env);
    EXPECT_NEAR(normalized_score(env, r.random_return), 0.0, 1e-12) << env;
    EXPECT_NEAR(normalized_score(env, r.expert_return), 100.0, 1e-12) << env;
  }
}

TEST(D4rlScores, MatchesD4rlConstants) {
  // A hopper return of 1422 (the medium dataset's average) is 44.3 normalized.
  EXPECT_NEAR(normalized_score("hopper", 1422.0), 100.0 * (1422.0 + 20.272305) / (3234.3 + 20.272305), 1e-9);
  EXPECT_NEAR(normalized_score("halfcheetah", 4770.0), 40.68, 0.01);  // 5050.18 / 12415.18
  EXPECT_NEAR(normalized_score("walker2d", 2852.0), 62.09, 0.01);
}

TEST(D4rlScores, UnknownEnvNamesTheKnownOnes) {
  try {
    normalized_score("ant", 1.0);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "'ant' (known: halfcheetah, hopper, walker2d, halfcheetah-v5, hopper-v5, walker2d-v5)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace mindt::envs

#include "configs/config.h"
#include "envs/env_specs.h"
#include "envs/registry.h"

namespace mindt::envs {
namespace {

// configs/ sits below envs/ and keeps its own list of env names for checking YAML: it must be the
// registry's.
TEST(EnvRegistry, ConfigsKnowExactlyTheRegisteredEnvs) { EXPECT_EQ(config::kEnvs, env_names()); }

TEST(EnvRegistry, EachEntrySimulatesTheTaskItNames) {
  for (const EnvEntry& e : env_registry()) {
    EXPECT_EQ(e.spec().name, e.name);
    EXPECT_EQ(&find_env(e.name), &e);
    ASSERT_EQ(e.dt_targets.size(), 2u) << e.name;
    EXPECT_GT(e.dt_targets[0], e.dt_targets[1]) << e.name;
    EXPECT_LT(e.scores.random_return, e.scores.expert_return) << e.name;
  }
}

TEST(EnvRegistry, DimensionsAreReadOffTheModelsAsGymHasThem) {
  // gym's documented sizes (Hopper-v4: Box(11,), Box(3,); HalfCheetah-v4, Walker2d-v4: 17 and 6).
  EXPECT_EQ(env_dims("hopper").obs_dim, 11);
  EXPECT_EQ(env_dims("hopper").act_dim, 3);
  EXPECT_EQ(env_dims("halfcheetah").obs_dim, 17);
  EXPECT_EQ(env_dims("halfcheetah").act_dim, 6);
  EXPECT_EQ(env_dims("walker2d").obs_dim, 17);
  EXPECT_EQ(env_dims("walker2d").act_dim, 6);
  EXPECT_EQ(dt_target_returns("hopper"), (std::vector<double>{3600, 1800}));
}

TEST(EnvSpecs, DimensionsIdentifyHopperButNotTheTwo17By6Envs) {
  EXPECT_EQ(envs_with_dims(11, 3), std::vector<std::string>{"hopper"});
  EXPECT_EQ(envs_with_dims(17, 6), (std::vector<std::string>{"halfcheetah", "walker2d"}));
  EXPECT_TRUE(envs_with_dims(4, 2).empty());
  EXPECT_THROW(env_dims("ant"), std::invalid_argument);
}

}  // namespace
}  // namespace mindt::envs
