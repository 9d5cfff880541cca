// The observation and action sizes of the D4RL locomotion environments (gym v2/v3 semantics), so that
// tools can tell which environment a dataset belongs to from its arrays alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mindt::envs {

struct EnvDims {
  int64_t obs_dim, act_dim;
};

// Throws std::invalid_argument naming the valid envs for an unknown name.
EnvDims env_dims(const std::string& env);
// The envs with these sizes: one for hopper, two for 17/6 (halfcheetah and walker2d), none otherwise.
std::vector<std::string> envs_with_dims(int64_t obs_dim, int64_t act_dim);

// Which env a dataset with these sizes belongs to: `given` (checked against the sizes; an error
// when they differ), else the env its metadata/env names ("hopper-medium-v2"), else the one env
// with these sizes. `env` is empty when it cannot tell, and `how` then says why.
struct EnvGuess {
  std::string env;
  std::string how;  // "given", "from metadata/env", "from dimensions", or why it is unknown
};
EnvGuess guess_env(int64_t obs_dim, int64_t act_dim, const std::string& metadata_env, const std::string& given);

}  // namespace mindt::envs
