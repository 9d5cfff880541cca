#include "envs/env_specs.h"

#include "envs/d4rl_scores.h"
#include "envs/locomotion_env.h"

namespace mindt::envs {

EnvDims env_dims(const std::string& env) {
  // Read off the compiled model (cached after the first call), not typed a second time.
  const LocomotionEnv instance = make_env(env, 0);
  return {instance.obs_dim(), instance.act_dim()};
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
