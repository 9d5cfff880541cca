// The MuJoCo environments for Python: one env (for gymnasium.Env) and the threaded VectorEnv (for
// gymnasium.vector.VectorEnv), numpy in and out. The GIL is released while MuJoCo steps, so Python
// threads (and gymnasium's AsyncVectorEnv comparisons) are not serialised behind it.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "envs/registry.h"
#include "envs/vector_env.h"
#include "python/csrc/bindings.h"

namespace py = pybind11;

namespace mindt::python {
namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::string shape_text(const std::vector<py::ssize_t>& shape) {
  std::string text = "(";
  for (size_t d = 0; d < shape.size(); ++d) text += (d ? ", " : "") + std::to_string(shape[d]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

// A float64 array of exactly `shape`, or ValueError naming what was expected.
Doubles checked(const py::handle& value, std::initializer_list<py::ssize_t> shape, const char* what) {
  Doubles array = Doubles::ensure(value);
  if (!array) throw py::value_error(std::string(what) + ": expected an array of numbers");
  bool ok = array.ndim() == static_cast<py::ssize_t>(shape.size());
  for (size_t d = 0; ok && d < shape.size(); ++d) ok = array.shape(d) == shape.begin()[d];
  if (!ok) {
    std::vector<py::ssize_t> got(array.shape(), array.shape() + array.ndim());
    throw py::value_error(std::string(what) + ": expected shape " + shape_text(std::vector<py::ssize_t>(shape)) +
                          ", got " + shape_text(got));
  }
  return array;
}

py::array_t<bool> as_bools(const std::vector<uint8_t>& flags) {
  py::array_t<bool> out(static_cast<py::ssize_t>(flags.size()));
  for (size_t i = 0; i < flags.size(); ++i) out.mutable_at(i) = flags[i] != 0;
  return out;
}

// gymnasium's MujocoEnv.set_state on one of our envs, the arrays checked against its model.
void set_env_state(envs::LocomotionEnv& env, const py::handle& qpos, const py::handle& qvel) {
  Doubles p = checked(qpos, {py::ssize_t(env.qpos().size())}, "set_state: qpos");
  Doubles v = checked(qvel, {py::ssize_t(env.qvel().size())}, "set_state: qvel");
  env.set_state(p.data(), v.data());
}

Doubles observation_of(const envs::LocomotionEnv& env) {
  Doubles obs(env.obs_dim());
  env.observe(obs.mutable_data());
  return obs;
}

class PyEnv {
 public:
  PyEnv(const std::string& name, uint64_t seed) : env_(envs::make_env(name, seed)) {}

  Doubles reset(std::optional<uint64_t> seed) {
    if (seed) env_.reseed(*seed);
    Doubles obs(env_.obs_dim());
    env_.reset(obs.mutable_data());
    return obs;
  }

  std::tuple<Doubles, double, bool, bool> step(const py::handle& action) {
    Doubles a = checked(action, {env_.act_dim()}, "step: action");
    Doubles obs(env_.obs_dim());
    envs::StepResult r;
    {
      py::gil_scoped_release release;
      r = env_.step(a.data(), obs.mutable_data());
    }
    return {obs, r.reward, r.terminated, r.truncated};
  }

  envs::LocomotionEnv& env() { return env_; }

 private:
  envs::LocomotionEnv env_;
};

envs::AutoReset autoreset_mode(const std::string& mode) {
  if (mode == "next_step") return envs::AutoReset::kNextStep;
  if (mode == "same_step") return envs::AutoReset::kSameStep;
  if (mode == "disabled") return envs::AutoReset::kOff;
  throw py::value_error("autoreset_mode must be 'next_step', 'same_step' or 'disabled', got '" + mode + "'");
}

class PyVectorEnv {
 public:
  PyVectorEnv(const std::string& name, int num_envs, uint64_t seed, int threads, const std::string& autoreset)
      : venv_(std::make_unique<envs::VectorEnv>(name, num_envs, seed, threads, autoreset_mode(autoreset))) {}

  Doubles reset(std::optional<uint64_t> seed) {
    if (seed) venv_->reseed(*seed);
    Doubles obs({venv_->size(), venv_->obs_dim()});
    py::gil_scoped_release release;
    venv_->reset(obs.mutable_data());
    return obs;
  }

  std::tuple<Doubles, Doubles, py::array_t<bool>, py::array_t<bool>> step(const py::handle& actions) {
    const int n = venv_->size();
    Doubles a = checked(actions, {n, venv_->act_dim()}, "step: actions");
    Doubles obs({n, venv_->obs_dim()}), rewards(n);
    std::vector<uint8_t> terminated(n), truncated(n);
    {
      py::gil_scoped_release release;
      venv_->step(a.data(), obs.mutable_data(), rewards.mutable_data(), terminated.data(), truncated.data());
    }
    return {obs, rewards, as_bools(terminated), as_bools(truncated)};
  }

  Doubles final_observation(int i) const {
    if (i < 0 || i >= venv_->size()) throw py::index_error("final_observation: no environment " + std::to_string(i));
    const auto& last = venv_->final_observation(i);
    Doubles out(static_cast<py::ssize_t>(last.size()));
    std::copy(last.begin(), last.end(), out.mutable_data());
    return out;
  }

  envs::LocomotionEnv& env(int i) {
    if (i < 0 || i >= venv_->size()) throw py::index_error("no environment " + std::to_string(i));
    return venv_->env(i);
  }

  int size() const { return venv_->size(); }
  int obs_dim() const { return venv_->obs_dim(); }
  int act_dim() const { return venv_->act_dim(); }
  int threads() const { return venv_->threads(); }

 private:
  std::unique_ptr<envs::VectorEnv> venv_;
};

py::dict env_info(const std::string& name) {
  const envs::EnvEntry& entry = envs::find_env(name);
  const envs::LocomotionEnv env = envs::make_env(name, 0);
  py::dict info;
  info["name"] = entry.name;
  info["gymnasium_id"] = entry.gymnasium_id;
  info["d4rl"] = entry.d4rl;
  info["obs_dim"] = env.obs_dim();
  info["act_dim"] = env.act_dim();
  info["nq"] = env.qpos().size();
  info["nv"] = env.qvel().size();
  info["dt"] = env.dt();
  info["max_episode_steps"] = env.spec().max_episode_steps;
  info["ref_min_score"] = entry.scores.random_return;
  info["ref_max_score"] = entry.scores.expert_return;
  return info;
}

}  // namespace

void bind_envs(py::module_& m) {
  m.def("env_names", &envs::env_names, "Every environment's name, in registry order.");
  m.def("env_info", &env_info, py::arg("name"), "What the registry knows about one environment.");

  py::class_<PyEnv>(m, "Env")
      .def(py::init<const std::string&, uint64_t>(), py::arg("name"), py::arg("seed"))
      .def("reset", &PyEnv::reset, py::arg("seed") = py::none())
      .def("step", &PyEnv::step, py::arg("action"))
      .def(
          "set_state",
          [](PyEnv& e, const py::handle& qpos, const py::handle& qvel) { set_env_state(e.env(), qpos, qvel); },
          py::arg("qpos"), py::arg("qvel"))
      .def("observe", [](PyEnv& e) { return observation_of(e.env()); })
      .def("qpos", [](PyEnv& e) { return e.env().qpos(); })
      .def("qvel", [](PyEnv& e) { return e.env().qvel(); })
      .def_property_readonly("elapsed_steps", [](PyEnv& e) { return e.env().elapsed_steps(); });

  py::class_<PyVectorEnv>(m, "VectorEnv")
      .def(py::init<const std::string&, int, uint64_t, int, const std::string&>(), py::arg("name"), py::arg("num_envs"),
           py::arg("seed"), py::arg("threads") = 0, py::arg("autoreset") = "next_step")
      .def("reset", &PyVectorEnv::reset, py::arg("seed") = py::none())
      .def("step", &PyVectorEnv::step, py::arg("actions"))
      .def("final_observation", &PyVectorEnv::final_observation, py::arg("index"))
      .def(
          "set_state",
          [](PyVectorEnv& v, int i, const py::handle& qpos, const py::handle& qvel) {
            set_env_state(v.env(i), qpos, qvel);
          },
          py::arg("index"), py::arg("qpos"), py::arg("qvel"))
      .def(
          "observe", [](PyVectorEnv& v, int i) { return observation_of(v.env(i)); }, py::arg("index"))
      .def_property_readonly("num_envs", &PyVectorEnv::size)
      .def_property_readonly("obs_dim", &PyVectorEnv::obs_dim)
      .def_property_readonly("act_dim", &PyVectorEnv::act_dim)
      .def_property_readonly("threads", &PyVectorEnv::threads);
}

}  // namespace mindt::python
