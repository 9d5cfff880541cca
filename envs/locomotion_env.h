// The gym-MuJoCo locomotion tasks D4RL was recorded on (gym v2/v3 semantics, which gymnasium's v4
// environments keep): HalfCheetah, Hopper and Walker2d. One class, driven by a per-task spec
// (hopper.cpp, walker2d.cpp, half_cheetah.cpp):
//
//   observation  qpos without the root x, then qvel (clipped to ±10 for Hopper and Walker2d)
//   step         ctrl = action (MuJoCo clamps it to ctrlrange), frame_skip physics steps
//   reward       forward velocity of the root x − ctrl_cost_weight·‖action‖² (+ healthy_reward,
//                paid on every step, including the one that terminates, as v2/v3/v4 do)
//   terminated   the task's health test fails (never for HalfCheetah)
//   truncated    after max_episode_steps (1000) steps
//   reset        qpos0 and zero velocity plus the task's noise
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "envs/mujoco_sim.h"

namespace mindt::envs {

struct LocomotionSpec {
  std::string name;       // "hopper", …
  std::string mjcf;       // the model (embedded from envs/assets)
  double total_mass = 0;  // > 0: masses rescaled to this total (HalfCheetah: 14 kg)
  int frame_skip = 4;
  double ctrl_cost_weight = 1e-3;
  double healthy_reward = 0;  // 0 for HalfCheetah
  // v2–v4 pay healthy_reward on every step, the terminating one included; v5 only while healthy.
  bool healthy_reward_while_unhealthy = true;
  double velocity_clip = 0;  // 0 = no clipping of qvel in the observation
  enum class Noise { kUniform, kUniformPosNormalVel } noise = Noise::kUniform;
  double noise_scale = 5e-3;
  // Healthy test on (qpos, qvel); empty = never terminates.
  std::function<bool(const double* qpos, const double* qvel, const mjModel&)> is_healthy;
  int max_episode_steps = 1000;
};

struct StepResult {
  double reward = 0;
  bool terminated = false;
  bool truncated = false;
};

// Everything an env's next steps depend on: the physics (MuJoCo's integration state, warm start
// included), the step count within the episode (the time limit) and the reset generator. A run
// checkpointed in the middle of an episode continues it exactly from this.
struct EnvState {
  std::vector<double> physics;
  int elapsed_steps = 0;
  std::string rng;  // the generator's state as text (std::mt19937_64's stream form)
};

class LocomotionEnv {
 public:
  LocomotionEnv(const LocomotionSpec& spec, ModelPtr model, uint64_t seed);

  // Starts an episode; writes the observation. Reseeds first when `seed` is given.
  void reset(double* observation);
  void reseed(uint64_t seed) { rng_.seed(seed); }
  // One environment step with `action` [act_dim]; writes the new observation.
  StepResult step(const double* action, double* observation);

  // The simulator state, for tests and dataset tools (D4RL's infos/qpos, infos/qvel).
  void set_state(const double* qpos, const double* qvel);
  std::vector<double> qpos() const;
  std::vector<double> qvel() const;
  void observe(double* observation) const;
  EnvState state() const;
  void restore(const EnvState& state);  // std::invalid_argument when it is another model's state

  int obs_dim() const { return obs_dim_; }
  int act_dim() const { return act_dim_; }
  int elapsed_steps() const { return elapsed_; }
  void set_elapsed_steps(int steps) { elapsed_ = steps; }
  const LocomotionSpec& spec() const { return spec_; }
  double dt() const { return sim_.model().opt.timestep * spec_.frame_skip; }

 private:
  LocomotionSpec spec_;
  Simulation sim_;
  std::mt19937_64 rng_;
  int obs_dim_, act_dim_;
  int elapsed_ = 0;
};

// The specs of the three tasks, by D4RL's names; throws std::invalid_argument for others.
const LocomotionSpec& locomotion_spec(const std::string& env);
// A ready environment (the model compiled once per process and shared).
LocomotionEnv make_env(const std::string& env, uint64_t seed);

}  // namespace mindt::envs
