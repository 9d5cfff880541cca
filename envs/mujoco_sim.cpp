#include "envs/mujoco_sim.h"

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace mindt::envs {
namespace {

thread_local std::string pending_warnings;

void collect_warning(const char* message) {
  if (!pending_warnings.empty()) pending_warnings += "; ";
  pending_warnings += message;
}

void install_warning_hook() {
  static std::once_flag once;
  std::call_once(once, [] { mju_user_warning = collect_warning; });
}

}  // namespace

std::string take_mujoco_warnings() { return std::exchange(pending_warnings, std::string()); }

ModelPtr load_model(const std::string& name, const std::string& mjcf, double total_mass) {
  install_warning_hook();
  take_mujoco_warnings();  // someone else's
  mjVFS vfs;
  mj_defaultVFS(&vfs);
  const std::string file = name + ".xml";
  if (mj_addBufferVFS(&vfs, file.c_str(), mjcf.data(), static_cast<int>(mjcf.size())) != 0) {
    mj_deleteVFS(&vfs);
    throw MujocoError(name + ": cannot hand the model to MuJoCo's virtual file system");
  }
  char error[1024] = "";
  mjModel* model = mj_loadXML(file.c_str(), &vfs, error, sizeof error);
  mj_deleteVFS(&vfs);
  if (!model) throw MujocoError(name + ": MuJoCo cannot compile the model: " + error);
  if (total_mass > 0) {
    // Scale, then recompute the constants that depend on masses (invweights, subtree masses, …).
    mj_setTotalmass(model, total_mass);
    mjData* data = mj_makeData(model);
    mj_setConst(model, data);
    mj_deleteData(data);
  }
  if (std::string warnings = take_mujoco_warnings(); !warnings.empty()) {
    mj_deleteModel(model);
    throw MujocoError(name + ": MuJoCo warned while compiling the model: " + warnings);
  }
  return ModelPtr(model, [](const mjModel* m) { mj_deleteModel(const_cast<mjModel*>(m)); });
}

Simulation::Simulation(ModelPtr model) : model_(std::move(model)), data_(mj_makeData(model_.get()), mj_deleteData) {
  if (!data_) throw MujocoError("MuJoCo cannot allocate simulation data");
  reset();
}

void Simulation::reset() { mj_resetData(model_.get(), data_.get()); }

void Simulation::set_state(const double* qpos, const double* qvel) {
  std::memcpy(data_->qpos, qpos, sizeof(double) * model_->nq);
  std::memcpy(data_->qvel, qvel, sizeof(double) * model_->nv);
  if (model_->na) std::memset(data_->act, 0, sizeof(double) * model_->na);
  mj_forward(model_.get(), data_.get());
}

std::vector<double> Simulation::integration_state() const {
  std::vector<double> state(static_cast<size_t>(mj_stateSize(model_.get(), mjSTATE_INTEGRATION)));
  mj_getState(model_.get(), data_.get(), state.data(), mjSTATE_INTEGRATION);
  return state;
}

void Simulation::set_integration_state(const std::vector<double>& state) {
  const size_t expected = static_cast<size_t>(mj_stateSize(model_.get(), mjSTATE_INTEGRATION));
  if (state.size() != expected) {
    throw std::invalid_argument("a simulation state of " + std::to_string(state.size()) +
                                " numbers, this model's has " + std::to_string(expected));
  }
  mj_setState(model_.get(), data_.get(), state.data(), mjSTATE_INTEGRATION);
}

void Simulation::step(const double* ctrl, int frame_skip) {
  std::memcpy(data_->ctrl, ctrl, sizeof(double) * model_->nu);
  for (int i = 0; i < frame_skip; ++i) mj_step(model_.get(), data_.get());
}

}  // namespace mindt::envs
