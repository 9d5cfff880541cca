#include "agents/lm_checkpoint.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "common/utf8.h"

namespace mindt {
namespace {

constexpr const char* kKind = "char-lm";

// A lower bound on the parameters a config describes: the token table and each layer's MLP.
double least_parameters(const config::LmModelConfig& m, int64_t vocab) {
  const double e = double(m.embed_dim);
  return double(vocab) * e + double(m.n_layers) * 2 * double(m.mlp_ratio) * e * e;
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

std::u32string read_lm_vocab(torch::serialize::InputArchive& archive, const std::string& source) {
  return translating_errors(source, [&] {
    c10::IValue kind;
    if (!archive.try_read("mindt/kind", kind) || !kind.isString() || kind.toStringRef() != kKind) {
      throw CheckpointError(source + ": not a language-model checkpoint (no mindt/kind \"" + kKind +
                            "\"; `mindt lm train` writes them)");
    }
    check_checkpoint_format(archive, source);
    return decode_utf8(read_string(archive, "mindt/vocab", source), source + " (vocab)");
  });
}

void read_lm_weights(torch::serialize::InputArchive& archive, const std::string& source, LanguageModel& model) {
  translating_errors(source, [&] {
    if (read_string(archive, "mindt/tensors", source) != tensor_names(*model)) {
      throw CheckpointError(source + ": the checkpoint's model has other layers than its config describes");
    }
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights)) throw CheckpointError(source + ": the model's weights are missing");
    read_module(weights, *model, "", source);
  });
}

LoadedLm read_lm(torch::serialize::InputArchive& archive, const std::string& source, const c10::Device& device) {
  LoadedLm loaded;
  loaded.vocab = read_lm_vocab(archive, source);
  translating_errors(source, [&] {
    loaded.config = config::parse_lm_config(read_string(archive, "mindt/config", source), source + " (config)");
    check_parameters_fit_file(least_parameters(loaded.config.model, int64_t(loaded.vocab.size())), source);
    loaded.model = LanguageModel(loaded.config.model, int64_t(loaded.vocab.size()));
  });
  read_lm_weights(archive, source, loaded.model);
  loaded.model->to(device);
  return loaded;
}

LoadedLm load_lm(const std::string& path, const c10::Device& device) {
  torch::serialize::InputArchive archive;
  open_checkpoint(path, archive);
  return read_lm(archive, path, device);
}

}  // namespace mindt
