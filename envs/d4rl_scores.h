// D4RL's score normalisation for the gym-MuJoCo locomotion tasks:
//   normalized = 100 · (return − REF_MIN) / (REF_MAX − REF_MIN)
// with REF_MIN the mean return of a uniform random policy and REF_MAX that of D4RL's expert
// (the constants of d4rl/infos.py, ../shared/FACTS.md §2).
#pragma once

#include <string>
#include <vector>

namespace mindt::envs {

struct ReferenceScores {
  double random_return;  // REF_MIN
  double expert_return;  // REF_MAX
};

// The env names D4RL uses: "halfcheetah", "hopper", "walker2d".
const std::vector<std::string>& d4rl_env_names();

// Throws std::invalid_argument naming the valid envs for an unknown name.
ReferenceScores reference_scores(const std::string& env);
double normalized_score(const std::string& env, double episode_return);

}  // namespace mindt::envs
