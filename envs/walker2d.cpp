// Walker2d (gym v2/v3, gymnasium v4): a two-legged planar walker that must move forward upright.
#include <stdexcept>
#include <string>

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

LocomotionSpec walker2d_v5_spec() {
  LocomotionSpec s = walker2d_spec();
  s.name = "walker2d-v5";
  s.healthy_reward_while_unhealthy = false;
  // v5's model (gymnasium's walker2d_v5.xml) differs from v4's in one number: the right foot's
  // friction, 0.9 there, is the left foot's 1.9.
  const std::string v4_foot = R"(name="foot_geom" type="capsule" fromto="0 0 0 0.2 0 0" size="0.06" friction="0.9")";
  const size_t at = s.mjcf.find(v4_foot);
  if (at == std::string::npos || s.mjcf.find(v4_foot, at + 1) != std::string::npos) {
    throw std::logic_error("walker2d-v5: envs/assets/walker2d.xml no longer has the one right-foot geom it expects");
  }
  s.mjcf.replace(at + v4_foot.size() - 5, 5, "\"1.9\"");
  return s;
}

}  // namespace mindt::envs
