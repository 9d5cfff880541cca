#include "agents/checkpoint.h"

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <new>
#include <sstream>

#include "agents/archive_file.h"
#include "common/errors.h"

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

// Runs `read`, turning what LibTorch's unpickler and the config parser throw on a damaged file
// (c10::Error, torch::jit::ErrorReport, std::runtime_error, ConfigError) into a CheckpointError
// naming the file: users see one kind of error, and it says which file.
template <class Read>
auto translating_errors(const std::string& source, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const CheckpointError&) {
    throw;
  } catch (const ConfigError& e) {
    throw CheckpointError(e.what());  // it names the source already
  } catch (const std::bad_alloc&) {
    throw CheckpointError(source + ": damaged checkpoint (it describes a model too large to build)");
  } catch (const std::exception& e) {  // c10::Error, torch::jit::ErrorReport, std::runtime_error
    throw CheckpointError(source + ": damaged checkpoint (" + error_text(e) + ")");
  }
}

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
  std::error_code error;
  const auto bytes = std::filesystem::file_size(source, error);
  if (error) return;  // not a file of its own (the caller's archive); the shape checks still hold
  const double e = double(m.embed_dim);
  double parameters =
      e * double(m.max_ep_len) + e * double(state_dim + act_dim) + double(m.n_layers) * 2 * double(m.mlp_ratio) * e * e;
  if (m.backbone == "mamba") parameters += double(m.n_layers) * double(m.mamba.dt_rank) * e;
  if (4 * parameters > double(bytes)) {
    throw CheckpointError(source + ": damaged checkpoint (its config describes a model of at least " +
                          std::to_string(int64_t(std::min(parameters, 9e18))) + " parameters; the file holds " +
                          std::to_string(bytes) + " bytes)");
  }
}

void read_stored_weights(torch::serialize::InputArchive& archive, const std::string& source, DecisionModel& model) {
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

void open_checkpoint(const std::string& path, torch::serialize::InputArchive& archive, const c10::Device& device) {
  if (!std::filesystem::is_regular_file(path)) throw CheckpointError(path + ": no such checkpoint file");
  std::string damage;
  try {
    damage = load_checked_archive(path, archive, device);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": not a mindt checkpoint (cannot read it as a LibTorch archive: " + error_text(e) +
                          ")");
  } catch (const std::exception& e) {  // the unpickler's own errors on a damaged archive
    throw CheckpointError(path + ": damaged checkpoint (" + error_text(e) + ")");
  }
  if (!damage.empty()) throw CheckpointError(path + ": not a mindt checkpoint, or a damaged one (" + damage + ")");
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
