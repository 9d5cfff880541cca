#include "agents/lm_checkpoint.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>

#include "agents/checkpoint.h"
#include "common/utf8.h"

namespace mindt {
namespace {

constexpr const char* kKind = "char-lm";

// A config asking for more parameters than the file could hold is damaged; building it could
// exhaust memory before any shape check. A lower bound: the token table and each layer's MLP.
void check_model_fits_file(const config::LmModelConfig& m, int64_t vocab, const std::string& source) {
  std::error_code error;
  const auto bytes = std::filesystem::file_size(source, error);
  if (error) return;  // not a file of its own; the shape checks still hold
  const double e = double(m.embed_dim);
  const double parameters = double(vocab) * e + double(m.n_layers) * 2 * double(m.mlp_ratio) * e * e;
  if (4 * parameters > double(bytes)) {
    throw CheckpointError(source + ": damaged checkpoint (its config describes a model of at least " +
                          std::to_string(int64_t(std::min(parameters, 9e18))) + " parameters; the file holds " +
                          std::to_string(bytes) + " bytes)");
  }
}

}  // namespace

void write_lm(torch::serialize::OutputArchive& archive, LanguageModel& model, const config::LmConfig& config,
              const std::u32string& vocab) {
  config::LmConfig resolved = config;
  resolved.model = model->config();
  archive.write("mindt/format", c10::IValue(kCheckpointFormat));
  archive.write("mindt/kind", c10::IValue(std::string(kKind)));
  archive.write("mindt/config", c10::IValue(config::to_yaml(resolved)));
  archive.write("mindt/vocab", c10::IValue(encode_utf8(vocab)));
  archive.write("mindt/tensors", c10::IValue(tensor_names(*model)));
  torch::serialize::OutputArchive weights(archive.compilation_unit());
  model->save(weights);
  archive.write("model", weights);
}

LoadedLm read_lm(torch::serialize::InputArchive& archive, const std::string& source, const c10::Device& device) {
  return translating_errors(source, [&] {
    c10::IValue kind;
    if (!archive.try_read("mindt/kind", kind) || !kind.isString() || kind.toStringRef() != kKind) {
      throw CheckpointError(source + ": not a language-model checkpoint (no mindt/kind \"" + kKind +
                            "\"; `mindt lm train` writes them)");
    }
    const int64_t format = read_int(archive, "mindt/format", source);
    if (format != kCheckpointFormat) {
      throw CheckpointError(source + ": checkpoint format " + std::to_string(format) + ", this mindt reads format " +
                            std::to_string(kCheckpointFormat));
    }
    LoadedLm loaded;
    loaded.config = config::parse_lm_config(read_string(archive, "mindt/config", source), source + " (config)");
    loaded.vocab = decode_utf8(read_string(archive, "mindt/vocab", source), source + " (vocab)");
    check_model_fits_file(loaded.config.model, int64_t(loaded.vocab.size()), source);
    loaded.model = LanguageModel(loaded.config.model, int64_t(loaded.vocab.size()));
    if (read_string(archive, "mindt/tensors", source) != tensor_names(*loaded.model)) {
      throw CheckpointError(source + ": the checkpoint's model has other layers than its config describes");
    }
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights)) throw CheckpointError(source + ": the model's weights are missing");
    read_module(weights, *loaded.model, "", source);
    loaded.model->to(device);
    return loaded;
  });
}

LoadedLm load_lm(const std::string& path, const c10::Device& device) {
  torch::serialize::InputArchive archive;
  open_checkpoint(path, archive);
  return read_lm(archive, path, device);
}

}  // namespace mindt
