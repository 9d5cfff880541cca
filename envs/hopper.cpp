// Hopper (gym v2/v3, gymnasium v4): a one-legged robot that must hop forward without falling.
#include <cmath>

#include "envs/locomotion_tasks.h"
#include "envs/mjcf_assets.h"

namespace mindt::envs {

LocomotionSpec hopper_spec() {
  LocomotionSpec s;
  s.name = "hopper";
  s.mjcf = assets::kHopperXml;
  // frame_skip 4, ctrl_cost_weight 1e-3 and uniform ±5e-3 reset noise: LocomotionSpec's defaults.
  s.healthy_reward = 1.0;
  s.velocity_clip = 10;
  // Healthy: every state entry after (x, z) finite and within ±100, torso height z > 0.7, torso
  // angle within ±0.2 rad. (NaN fails every comparison, so it is unhealthy too.)
  s.is_healthy = [](const double* qpos, const double* qvel, const mjModel& m) {
    for (int i = 2; i < m.nq; ++i) {
      if (!(std::abs(qpos[i]) < 100)) return false;
    }
    for (int i = 0; i < m.nv; ++i) {
      if (!(std::abs(qvel[i]) < 100)) return false;
    }
    return qpos[1] > 0.7 && std::abs(qpos[2]) < 0.2;
  };
  return s;
}

LocomotionSpec hopper_v5_spec() {
  LocomotionSpec s = hopper_spec();
  s.name = "hopper-v5";
  s.healthy_reward_while_unhealthy = false;
  return s;
}

}  // namespace mindt::envs
