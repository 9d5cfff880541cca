#include "agents/archive_fields.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>

#include <filesystem>
#include <sstream>

namespace mindt {

std::string tensor_names(torch::nn::Module& model) {
  std::string names;
  for (const auto& p : model.named_parameters()) names += p.key() + "\n";
  for (const auto& b : model.named_buffers()) names += b.key() + "\n";
  return names;
}

namespace {

c10::IValue read_value(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source) {
  c10::IValue value;
  if (!archive.try_read(key, value)) throw CheckpointError(source + ": not a mindt checkpoint (no '" + key + "')");
  return value;
}

}  // namespace

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

double read_double(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source) {
  const c10::IValue value = read_value(archive, key, source);
  if (!value.isDouble()) throw CheckpointError(source + ": '" + key + "' must be a number");
  return value.toDouble();
}

void check_checkpoint_format(torch::serialize::InputArchive& archive, const std::string& source) {
  const int64_t format = read_int(archive, "mindt/format", source);
  if (format != kCheckpointFormat) {
    throw CheckpointError(source + ": checkpoint format " + std::to_string(format) + ", this mindt reads format " +
                          std::to_string(kCheckpointFormat));
  }
}

void check_parameters_fit_file(double parameters, const std::string& source) {
  std::error_code error;
  const auto bytes = std::filesystem::file_size(source, error);
  if (error) return;  // not a file of its own (the caller's archive); the shape checks still hold
  if (4 * parameters > double(bytes)) {
    throw CheckpointError(source + ": damaged checkpoint (its config describes a model of at least " +
                          std::to_string(int64_t(std::min(parameters, 9e18))) + " parameters; the file holds " +
                          std::to_string(bytes) + " bytes)");
  }
}

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

}  // namespace mindt
