// Trained decision models for Python: a checkpoint loaded as a batched, return-conditioned policy
// (agents/return_conditioned_policy, the evaluator's own), numpy in and out.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

#include "agents/checkpoint.h"
#include "agents/return_conditioned_policy.h"
#include "envs/d4rl_scores.h"
#include "python/csrc/bindings.h"

namespace py = pybind11;

namespace mindt::python {
namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

class PyPolicy {
 public:
  PyPolicy(const std::string& path, const std::string& mode, const std::string& device) {
    LoadedModel loaded = load_model(path, c10::Device(device));
    config_ = loaded.config;
    const InferenceMode m = parse_inference_mode(mode.empty() ? config_.eval.mode : mode);
    policy_ = std::make_unique<ReturnConditionedPolicy>(loaded.model, m, config_.data.reward_scale);
  }

  void reset(int64_t batch, std::optional<double> target_return) {
    policy_->reset(batch, target_return ? *target_return : default_targets().front());
  }

  Doubles act(const py::handle& observations, const py::object& last_rewards) {
    const int64_t n = policy_->batch(), S = policy_->state_dim();
    if (n == 0) throw py::value_error("Policy.act: call reset(batch, target_return) first");
    Doubles obs = Doubles::ensure(observations);
    if (!obs || obs.ndim() != 2 || obs.shape(0) != n || obs.shape(1) != S) {
      throw py::value_error("Policy.act: observations must be an array of shape (" + std::to_string(n) + ", " +
                            std::to_string(S) + ")");
    }
    Doubles rewards;
    if (!last_rewards.is_none()) {
      rewards = Doubles::ensure(last_rewards);
      if (!rewards || rewards.ndim() != 1 || rewards.shape(0) != n) {
        throw py::value_error("Policy.act: last_reward must be an array of shape (" + std::to_string(n) + ",)");
      }
    }
    Doubles actions({n, policy_->act_dim()});
    const double* r = last_rewards.is_none() ? nullptr : rewards.data();
    {
      py::gil_scoped_release release;
      policy_->act(obs.data(), r, actions.mutable_data());
    }
    return actions;
  }

  std::vector<double> default_targets() const {
    return config_.eval.targets.empty() ? envs::dt_target_returns(config_.data.env) : config_.eval.targets;
  }

  const ReturnConditionedPolicy& policy() const { return *policy_; }
  const config::Config& config() const { return config_; }

 private:
  config::Config config_;
  std::unique_ptr<ReturnConditionedPolicy> policy_;
};

}  // namespace

void bind_policies(py::module_& m) {
  py::class_<PyPolicy>(m, "Policy")
      .def(py::init<const std::string&, const std::string&, const std::string&>(), py::arg("path"),
           py::arg("mode") = "", py::arg("device") = "cpu")
      .def("reset", &PyPolicy::reset, py::arg("batch"), py::arg("target_return") = py::none())
      .def("act", &PyPolicy::act, py::arg("observations"), py::arg("last_reward") = py::none())
      .def_property_readonly("targets", &PyPolicy::default_targets)
      .def_property_readonly("env", [](const PyPolicy& p) { return p.config().data.env; })
      .def_property_readonly("backbone", [](const PyPolicy& p) { return p.config().model.backbone; })
      .def_property_readonly("reward_scale", [](const PyPolicy& p) { return p.policy().reward_scale(); })
      .def_property_readonly("mode", [](const PyPolicy& p) { return to_string(p.policy().mode()); })
      .def_property_readonly("state_dim", [](const PyPolicy& p) { return p.policy().state_dim(); })
      .def_property_readonly("act_dim", [](const PyPolicy& p) { return p.policy().act_dim(); })
      .def_property_readonly("batch", [](const PyPolicy& p) { return p.policy().batch(); })
      .def_property_readonly("steps", [](const PyPolicy& p) { return p.policy().steps(); });
}

}  // namespace mindt::python
