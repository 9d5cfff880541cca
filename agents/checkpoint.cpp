#include "agents/checkpoint.h"

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <sstream>

#include "common/atomic_file.h"

namespace mindt {
namespace {

std::string tensor_names(torch::nn::Module& model) {
  std::string names;
  for (const auto& p : model.named_parameters()) names += p.key() + "\n";
  for (const auto& b : model.named_buffers()) names += b.key() + "\n";
  return names;
}

c10::IValue read_value(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source) {
  c10::IValue value;
  if (!archive.try_read(key, value)) throw CheckpointError(source + ": not a mindt checkpoint (no '" + key + "')");
  return value;
}

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source) {
  const c10::IValue value = read_value(archive, key, source);
  if (!value.isString()) throw CheckpointError(source + ": '" + key + "' must be a string");
  return value.toStringRef();
}

int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source) {
  const c10::IValue value = read_value(archive, key, source);
  if (!value.isInt()) throw CheckpointError(source + ": '" + key + "' must be an integer");
  return value.toInt();
}

// Module::load would silently adopt a stored tensor of another shape; this checks every one.
void read_module(torch::serialize::InputArchive& archive, torch::nn::Module& module, const std::string& prefix,
                 const std::string& source) {
  torch::NoGradGuard no_grad;
  auto copy_in = [&](const std::string& name, at::Tensor& target, bool is_buffer) {
    at::Tensor stored;
    if (!archive.try_read(name, stored, is_buffer)) {
      throw CheckpointError(source + ": tensor '" + prefix + name + "' is missing");
    }
    if (stored.sizes() != target.sizes()) {
      std::ostringstream message;
      message << source << ": tensor '" << prefix << name << "' has shape " << stored.sizes() << ", the model expects "
              << target.sizes();
      throw CheckpointError(message.str());
    }
    target.copy_(stored);
  };
  for (auto& p : module.named_parameters(/*recurse=*/false)) copy_in(p.key(), p.value(), false);
  for (auto& b : module.named_buffers(/*recurse=*/false)) copy_in(b.key(), b.value(), true);
  for (const auto& child : module.named_children()) {
    torch::serialize::InputArchive nested;
    if (!archive.try_read(child.key(), nested)) {
      throw CheckpointError(source + ": module '" + prefix + child.key() + "' is missing");
    }
    read_module(nested, *child.value(), prefix + child.key() + ".", source);
  }
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
  const int64_t format = read_int(archive, "mindt/format", source);
  if (format != kCheckpointFormat) {
    throw CheckpointError(source + ": checkpoint format " + std::to_string(format) + ", this mindt reads format " +
                          std::to_string(kCheckpointFormat));
  }
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

LoadedModel read_model(torch::serialize::InputArchive& archive, const std::string& source, const c10::Device& device) {
  LoadedModel loaded;
  loaded.config = config::parse_config(read_string(archive, "mindt/config", source), source + " (config)");
  loaded.model = DecisionModel(loaded.config.model, read_int(archive, "mindt/state_dim", source),
                               read_int(archive, "mindt/act_dim", source));
  read_weights(archive, source, loaded.model);
  loaded.model->to(device);
  return loaded;
}

void open_checkpoint(const std::string& path, torch::serialize::InputArchive& archive, const c10::Device& device) {
  if (!std::filesystem::is_regular_file(path)) throw CheckpointError(path + ": no such checkpoint file");
  try {
    archive.load_from(path, device);
  } catch (const c10::Error& e) {
    throw CheckpointError(
        path + ": not a mindt checkpoint (cannot read it as a LibTorch archive: " + e.what_without_backtrace() + ")");
  }
}

void save_model(const std::string& path, DecisionModel& model, const config::Config& config) {
  torch::serialize::OutputArchive archive;
  write_model(archive, model, config);
  write_atomically(path, [&](const std::string& temporary) { archive.save_to(temporary); });
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
