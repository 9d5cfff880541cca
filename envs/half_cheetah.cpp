// HalfCheetah (gym v2/v3, gymnasium v4): a planar cheetah that must run forward; it never terminates.
#include "envs/locomotion_tasks.h"
#include "envs/mjcf_assets.h"

namespace mindt::envs {

LocomotionSpec half_cheetah_spec() {
  LocomotionSpec s;
  s.name = "halfcheetah";
  s.mjcf = assets::kHalfCheetahXml;
  s.total_mass = 14;
  s.frame_skip = 5;
  s.ctrl_cost_weight = 0.1;
  s.healthy_reward = 0;
  s.velocity_clip = 0;
  s.noise = LocomotionSpec::Noise::kUniformPosNormalVel;  // qpos += U(−0.1, 0.1), qvel += 0.1·N(0, 1)
  s.noise_scale = 0.1;
  return s;
}

LocomotionSpec half_cheetah_v5_spec() {
  LocomotionSpec s = half_cheetah_spec();
  s.name = "halfcheetah-v5";
  return s;
}

}  // namespace mindt::envs
