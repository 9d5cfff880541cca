#include "envs/env_specs.h"

#include <stdexcept>

#include "envs/d4rl_scores.h"
#include "envs/locomotion_env.h"
#include "envs/registry.h"

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

EnvGuess guess_env(int64_t obs_dim, int64_t act_dim, const std::string& metadata_env, const std::string& given) {
  const auto matching = envs_with_dims(obs_dim, act_dim);
  if (!given.empty()) {
    const EnvDims dims = env_dims(given);  // throws for an unknown name
    if (dims.obs_dim != obs_dim || dims.act_dim != act_dim) {
      throw std::runtime_error("--env " + given + " has " + std::to_string(dims.obs_dim) + "-dim observations and " +
                               std::to_string(dims.act_dim) + "-dim actions; the file has " + std::to_string(obs_dim) +
                               " and " + std::to_string(act_dim));
    }
    return {given, "given"};
  }
  // Minari datasets name their env by gymnasium id ("Hopper-v5"), files made by `mindt data make`
  // by D4RL's name ("hopper" or "hopper-medium-v2").
  if (const EnvEntry* e = find_gymnasium_env(metadata_env)) return {e->name, "from metadata/env"};
  for (const auto& env : matching) {
    if (!metadata_env.empty() && metadata_env.rfind(env, 0) == 0) return {env, "from metadata/env"};
  }
  if (matching.size() == 1) return {matching[0], "from dimensions"};
  std::string why =
      "unknown: " + std::to_string(obs_dim) + "-dim observations and " + std::to_string(act_dim) + "-dim actions";
  why += matching.empty() ? " match no D4RL locomotion env"
                          : " fit " + matching[0] + " and " + matching[1] + "; pass --env";
  return {"", why};
}

}  // namespace mindt::envs
