#include "envs/env_specs.h"

#include <stdexcept>

#include "envs/d4rl_scores.h"

namespace mindt::envs {

EnvDims env_dims(const std::string& env) {
  if (env == "halfcheetah") return {17, 6};
  if (env == "hopper") return {11, 3};
  if (env == "walker2d") return {17, 6};
  std::string valid;
  for (const auto& name : d4rl_env_names()) valid += (valid.empty() ? "" : ", ") + name;
  throw std::invalid_argument("unknown env '" + env + "'; valid envs: " + valid);
}

std::vector<std::string> envs_with_dims(int64_t obs_dim, int64_t act_dim) {
  std::vector<std::string> out;
  for (const auto& name : d4rl_env_names()) {
    const EnvDims d = env_dims(name);
    if (d.obs_dim == obs_dim && d.act_dim == act_dim) out.push_back(name);
  }
  return out;
}

}  // namespace mindt::envs
