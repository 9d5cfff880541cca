#include "agents/checkpoint.h"

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <new>
#include <sstream>

#include "agents/archive_fields.h"
#include "agents/archive_file.h"

namespace mindt {
namespace {

// Every parameter of a model is stored in its checkpoint (float32), so a config asking for more
// than the file holds is damaged, and building it could exhaust memory before any shape check.
// A lower bound from the parts every backbone has: the timestep embedding (max_ep_len × E), the
// state/action embeddings, each layer's MLP (2 × mlp_ratio × E²), and Mamba's dt_rank rows.
void check_model_fits_file(const config::ModelConfig& m, int64_t state_dim, int64_t act_dim,
                           const std::string& source) {
  if (state_dim < 1 || act_dim < 1) {
    throw CheckpointError(source + ": damaged checkpoint (state_dim " + std::to_string(state_dim) + ", act_dim " +
                          std::to_string(act_dim) + ")");
  }
  const double e = double(m.embed_dim);
  double parameters =
      e * double(m.max_ep_len) + e * double(state_dim + act_dim) + double(m.n_layers) * 2 * double(m.mlp_ratio) * e * e;
  if (m.backbone == "mamba") parameters += double(m.n_layers) * double(m.mamba.dt_rank) * e;
  check_parameters_fit_file(parameters, source);
}

void read_stored_weights(torch::serialize::InputArchive& archive, const std::string& source, DecisionModel& model) {
  check_checkpoint_format(archive, source);
  const config::Config stored =
      config::parse_config(read_string(archive, "mindt/config", source), source + " (config)");
  if (stored.model.backbone != model->config().backbone) {
    throw CheckpointError(source + ": the checkpoint holds a '" + stored.model.backbone +
                          "' decision model; it cannot be loaded into a '" + model->config().backbone +
                          "' model (build the model from the checkpoint's config instead)");
  }
  const int64_t state_dim = read_int(archive, "mindt/state_dim", source);
  const int64_t act_dim = read_int(archive, "mindt/act_dim", source);
  if (state_dim != model->state_dim() || act_dim != model->act_dim()) {
    throw CheckpointError(source + ": the checkpoint's model takes states of " + std::to_string(state_dim) +
                          " and actions of " + std::to_string(act_dim) + " dims; this model " +
                          std::to_string(model->state_dim()) + " and " + std::to_string(model->act_dim()));
  }
  if (read_string(archive, "mindt/tensors", source) != tensor_names(*model)) {
    throw CheckpointError(source + ": the checkpoint's " + stored.model.backbone +
                          " model has other layers than this one (compare model.n_layers and the backbone's options)");
  }
  torch::serialize::InputArchive weights;
  if (!archive.try_read("model", weights)) throw CheckpointError(source + ": the model's weights are missing");
  read_module(weights, *model, "", source);
}

}  // namespace

void write_model(torch::serialize::OutputArchive& archive, DecisionModel& model, const config::Config& config) {
  config::Config resolved = config;
  resolved.model = model->config();  // the model's own architecture, whatever the caller's config says
  archive.write("mindt/format", c10::IValue(kCheckpointFormat));
  archive.write("mindt/config", c10::IValue(config::to_yaml(resolved)));
  archive.write("mindt/state_dim", c10::IValue(model->state_dim()));
  archive.write("mindt/act_dim", c10::IValue(model->act_dim()));
  archive.write("mindt/tensors", c10::IValue(tensor_names(*model)));
  torch::serialize::OutputArchive weights(archive.compilation_unit());
  model->save(weights);
  archive.write("model", weights);
}

void read_weights(torch::serialize::InputArchive& archive, const std::string& source, DecisionModel& model) {
  translating_errors(source, [&] { read_stored_weights(archive, source, model); });
}

LoadedModel read_model(torch::serialize::InputArchive& archive, const std::string& source, const c10::Device& device) {
  return translating_errors(source, [&] {
    LoadedModel loaded;
    loaded.config = config::parse_config(read_string(archive, "mindt/config", source), source + " (config)");
    const int64_t state_dim = read_int(archive, "mindt/state_dim", source);
    const int64_t act_dim = read_int(archive, "mindt/act_dim", source);
    check_model_fits_file(loaded.config.model, state_dim, act_dim, source);
    loaded.model = DecisionModel(loaded.config.model, state_dim, act_dim);
    read_weights(archive, source, loaded.model);
    loaded.model->to(device);
    return loaded;
  });
}

void save_model(const std::string& path, DecisionModel& model, const config::Config& config) {
  torch::serialize::OutputArchive archive;
  write_model(archive, model, config);
  save_archive(archive, path);
}

LoadedModel load_model(const std::string& path, const c10::Device& device) {
  torch::serialize::InputArchive archive;
  open_checkpoint(path, archive);
  return read_model(archive, path, device);
}

void load_weights(const std::string& path, DecisionModel& model) {
  torch::serialize::InputArchive archive;
  open_checkpoint(path, archive);
  read_weights(archive, path, model);
}

}  // namespace mindt
