// MuJoCo through its C API: an immutable model shared by every environment of one kind, and one
// simulation state (mjData) per environment, both owned by RAII handles.
//
// MuJoCo reports problems (unstable simulation, contact buffer full, …) through a global warning
// callback. We collect them per thread, so an environment can turn them into errors: a test that
// silently ran through an unstable simulation would prove nothing.
#pragma once

#include <mujoco/mujoco.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mindt::envs {

struct MujocoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using ModelPtr = std::shared_ptr<const mjModel>;

// Compiles an MJCF document held in memory; `name` labels it in errors. total_mass > 0 rescales the
// masses and inertias to that total, as the old `settotalmass` compiler attribute did. A compiler
// warning is an error. Throws MujocoError.
ModelPtr load_model(const std::string& name, const std::string& mjcf, double total_mass = 0);

class Simulation {
 public:
  explicit Simulation(ModelPtr model);
  Simulation(Simulation&&) = default;
  Simulation& operator=(Simulation&&) = default;

  const mjModel& model() const { return *model_; }
  mjData& data() { return *data_; }
  const mjData& data() const { return *data_; }

  void reset();                                            // qpos = qpos0, qvel = 0, time 0
  void set_state(const double* qpos, const double* qvel);  // then mj_forward, as gym's set_state
  // MuJoCo's integration state (mjSTATE_INTEGRATION: time, qpos, qvel, act, warm start, …): what
  // the next mj_step depends on, so restoring it continues a simulation bit for bit.
  std::vector<double> integration_state() const;
  void set_integration_state(const std::vector<double>& state);  // std::invalid_argument on a wrong size
  void step(const double* ctrl, int frame_skip);  // ctrl (clamped by MuJoCo to ctrlrange), frame_skip × mj_step

 private:
  ModelPtr model_;
  std::unique_ptr<mjData, void (*)(mjData*)> data_;
};

// The MuJoCo warnings raised on this thread since the last call, joined; "" when none. The hook
// is process-wide, so it also collects warnings of MuJoCo calls that are not ours (the mujoco
// Python module compiling gymnasium's models in the same process): call it before a MuJoCo call
// too, to drop those, and after, to get that call's own.
std::string take_mujoco_warnings();

}  // namespace mindt::envs
