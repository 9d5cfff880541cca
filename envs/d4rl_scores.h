// D4RL's score normalisation for the gym-MuJoCo locomotion tasks:
//   normalized = 100 · (return − REF_MIN) / (REF_MAX − REF_MIN)
// with REF_MIN the mean return of a uniform random policy and REF_MAX that of D4RL's expert
// (the constants of D4RL's d4rl/infos.py; the table is envs/registry.cpp).
#pragma once

#include <string>
#include <vector>

namespace mindt::envs {

struct ReferenceScores {
  double random_return;  // REF_MIN
  double expert_return;  // REF_MAX
};

// The env names D4RL uses: "halfcheetah", "hopper", "walker2d" (its dynamics; every env, v5
// included, is in envs/registry.h's env_names()).
const std::vector<std::string>& d4rl_env_names();

// Throws std::invalid_argument naming the valid envs for an unknown name.
ReferenceScores reference_scores(const std::string& env);
double normalized_score(const std::string& env, double episode_return);

// The two returns the Decision Transformer conditions on when evaluating (high, then low):
// halfcheetah 12000/6000, hopper 3600/1800, walker2d 5000/2500.
std::vector<double> dt_target_returns(const std::string& env);

}  // namespace mindt::envs
