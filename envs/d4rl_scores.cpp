#include "envs/d4rl_scores.h"

#include "envs/registry.h"

namespace mindt::envs {

const std::vector<std::string>& d4rl_env_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const EnvEntry& e : env_registry()) {
      if (e.d4rl) n.push_back(e.name);
    }
    return n;
  }();
  return names;
}

ReferenceScores reference_scores(const std::string& env) { return find_env(env).scores; }

double normalized_score(const std::string& env, double episode_return) {
  const ReferenceScores r = reference_scores(env);
  return 100.0 * (episode_return - r.random_return) / (r.expert_return - r.random_return);
}

std::vector<double> dt_target_returns(const std::string& env) { return find_env(env).dt_targets; }

}  // namespace mindt::envs
