// Walker2d (gym v2/v3, gymnasium v4): a two-legged planar walker that must move forward upright.
#include "envs/locomotion_tasks.h"
#include "envs/mjcf_assets.h"

namespace mindt::envs {

LocomotionSpec walker2d_spec() {
  LocomotionSpec s;
  s.name = "walker2d";
  s.mjcf = assets::kWalker2dXml;
  // frame_skip 4, ctrl_cost_weight 1e-3 and uniform ±5e-3 reset noise: LocomotionSpec's defaults.
  s.healthy_reward = 1.0;
  s.velocity_clip = 10;
  // Healthy: torso height in (0.8, 2.0) and torso angle in (−1, 1) rad.
  s.is_healthy = [](const double* qpos, const double*, const mjModel&) {
    return qpos[1] > 0.8 && qpos[1] < 2.0 && qpos[2] > -1.0 && qpos[2] < 1.0;
  };
  return s;
}

}  // namespace mindt::envs
