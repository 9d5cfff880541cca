#include "envs/d4rl_scores.h"

#include <stdexcept>

namespace mindt::envs {

namespace {
struct Entry {
  const char* env;
  ReferenceScores scores;
};
constexpr Entry kTable[] = {
    {"halfcheetah", {-280.178953, 12135.0}},
    {"hopper", {-20.272305, 3234.3}},
    {"walker2d", {1.629008, 4592.3}},
};
}  // namespace

const std::vector<std::string>& d4rl_env_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& e : kTable) n.emplace_back(e.env);
    return n;
  }();
  return names;
}

ReferenceScores reference_scores(const std::string& env) {
  for (const auto& e : kTable)
    if (env == e.env) return e.scores;
  std::string valid;
  for (const auto& n : d4rl_env_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("no D4RL reference scores for env '" + env + "' (known: " + valid + ")");
}

double normalized_score(const std::string& env, double episode_return) {
  const ReferenceScores r = reference_scores(env);
  return 100.0 * (episode_return - r.random_return) / (r.expert_return - r.random_return);
}

std::vector<double> dt_target_returns(const std::string& env) {
  if (env == "halfcheetah") return {12000, 6000};
  if (env == "hopper") return {3600, 1800};
  if (env == "walker2d") return {5000, 2500};
  reference_scores(env);  // throws the "unknown env" message
  return {};
}

}  // namespace mindt::envs
