// Model checkpoints: a decision model's weights together with the resolved config that built it,
// so that `mindt eval CHECKPOINT` needs nothing else.
//
// Format (a LibTorch serialize archive, i.e. a zip file; written atomically):
//   mindt/format        int     kCheckpointFormat
//   mindt/config        string  the complete resolved config as YAML (configs/base.yaml's keys)
//   mindt/state_dim     int
//   mindt/act_dim       int
//   mindt/tensors       string  the model's parameter and buffer names, one per line
//   model/…             the parameters and buffers (state_mean/state_std included), nested by module
// The trainer adds its own sections (optimizer, step, RNG) beside these; loaders ignore what they
// do not know.
#pragma once

#include <c10/core/Device.h>

#include <stdexcept>
#include <string>

#include "agents/archive_fields.h"
#include "agents/decision_model.h"
#include "configs/config.h"

namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace mindt {

struct LoadedModel {
  config::Config config;
  DecisionModel model{nullptr};
};

// Writes model + config to `path` atomically.
void save_model(const std::string& path, DecisionModel& model, const config::Config& config);
// Rebuilds the model the checkpoint describes, on `device`.
LoadedModel load_model(const std::string& path, const c10::Device& device = c10::Device("cpu"));
// Loads the checkpoint's weights into an existing model, which must have the same backbone and shapes.
void load_weights(const std::string& path, DecisionModel& model);

// The pieces, for the trainer to combine with its own sections. `source` names the file in errors.
void write_model(torch::serialize::OutputArchive& archive, DecisionModel& model, const config::Config& config);
LoadedModel read_model(torch::serialize::InputArchive& archive, const std::string& source, const c10::Device& device);
void read_weights(torch::serialize::InputArchive& archive, const std::string& source, DecisionModel& model);

}  // namespace mindt
