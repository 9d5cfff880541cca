#include "envs/locomotion_env.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "envs/registry.h"

namespace mindt::envs {

LocomotionEnv::LocomotionEnv(const LocomotionSpec& spec, ModelPtr model, uint64_t seed)
    : spec_(spec), sim_(std::move(model)), rng_(seed) {
  const mjModel& m = sim_.model();
  obs_dim_ = m.nq - 1 + m.nv;
  act_dim_ = m.nu;
}

void LocomotionEnv::observe(double* observation) const {
  const mjModel& m = sim_.model();
  const mjData& d = sim_.data();
  std::copy(d.qpos + 1, d.qpos + m.nq, observation);  // the root's x is left out: the task is translation-invariant
  double* velocity = observation + m.nq - 1;
  for (int i = 0; i < m.nv; ++i) {
    velocity[i] =
        spec_.velocity_clip > 0 ? std::clamp(d.qvel[i], -spec_.velocity_clip, spec_.velocity_clip) : d.qvel[i];
  }
}

void LocomotionEnv::reset(double* observation) {
  sim_.reset();
  const mjModel& m = sim_.model();
  std::vector<double> qpos(m.qpos0, m.qpos0 + m.nq), qvel(m.nv, 0.0);
  std::uniform_real_distribution<double> uniform(-spec_.noise_scale, spec_.noise_scale);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (auto& q : qpos) q += uniform(rng_);
  for (auto& v : qvel)
    v += spec_.noise == LocomotionSpec::Noise::kUniform ? uniform(rng_) : spec_.noise_scale * normal(rng_);
  sim_.set_state(qpos.data(), qvel.data());
  elapsed_ = 0;
  observe(observation);
}

StepResult LocomotionEnv::step(const double* action, double* observation) {
  const mjModel& m = sim_.model();
  const double x_before = sim_.data().qpos[0];
  take_mujoco_warnings();  // raised by MuJoCo calls that are not this step's
  sim_.step(action, spec_.frame_skip);
  const std::string warnings = take_mujoco_warnings();
  if (!warnings.empty()) throw MujocoError(spec_.name + ": MuJoCo warning: " + warnings);
  const double forward_velocity = (sim_.data().qpos[0] - x_before) / dt();
  double control_cost = 0;
  for (int i = 0; i < m.nu; ++i) control_cost += action[i] * action[i];  // the unclipped action, as gym
  StepResult r;
  const bool healthy = !spec_.is_healthy || spec_.is_healthy(sim_.data().qpos, sim_.data().qvel, m);
  const double survive = healthy || spec_.healthy_reward_while_unhealthy ? spec_.healthy_reward : 0.0;
  r.reward = forward_velocity + survive - spec_.ctrl_cost_weight * control_cost;
  r.terminated = !healthy;
  ++elapsed_;
  r.truncated = elapsed_ >= spec_.max_episode_steps;
  observe(observation);
  return r;
}

void LocomotionEnv::set_state(const double* qpos, const double* qvel) { sim_.set_state(qpos, qvel); }

EnvState LocomotionEnv::state() const {
  std::ostringstream rng;
  rng << rng_;
  return {sim_.integration_state(), elapsed_, rng.str()};
}

void LocomotionEnv::restore(const EnvState& state) {
  std::istringstream rng(state.rng);
  std::mt19937_64 restored;
  if (!(rng >> restored)) throw std::invalid_argument(spec_.name + ": the env state's generator is unreadable");
  sim_.set_integration_state(state.physics);
  rng_ = restored;
  elapsed_ = state.elapsed_steps;
}

std::vector<double> LocomotionEnv::qpos() const { return {sim_.data().qpos, sim_.data().qpos + sim_.model().nq}; }

std::vector<double> LocomotionEnv::qvel() const { return {sim_.data().qvel, sim_.data().qvel + sim_.model().nv}; }

const LocomotionSpec& locomotion_spec(const std::string& env) {
  // Built once per process from the registry; a map gives stable references to return.
  static const std::map<std::string, LocomotionSpec> specs = [] {
    std::map<std::string, LocomotionSpec> built;
    for (const EnvEntry& e : env_registry()) built.emplace(e.name, e.spec());
    return built;
  }();
  const auto it = specs.find(env);
  if (it == specs.end()) throw std::invalid_argument(unknown_env_message(env));
  return it->second;
}

LocomotionEnv make_env(const std::string& env, uint64_t seed) {
  const LocomotionSpec& spec = locomotion_spec(env);
  static std::mutex mutex;
  static std::map<std::string, ModelPtr> models;
  ModelPtr model;
  {
    std::lock_guard<std::mutex> lock(mutex);
    ModelPtr& cached = models[env];
    if (!cached) cached = load_model(env, spec.mjcf, spec.total_mass);
    model = cached;
  }
  return LocomotionEnv(spec, std::move(model), seed);
}

}  // namespace mindt::envs
