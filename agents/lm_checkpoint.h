// Language-model checkpoints: the weights with the config that built them and the vocabulary that
// maps characters to tokens, so that `mindt lm sample CHECKPOINT` needs nothing else.
//
// Format (a LibTorch archive, a zip file; written atomically):
//   mindt/format   int     kCheckpointFormat
//   mindt/kind     string  "char-lm" (a decision-model checkpoint has no kind)
//   mindt/config   string  the complete resolved LmConfig as YAML
//   mindt/vocab    string  the vocabulary, UTF-8, in token order
//   mindt/tensors  string  the model's parameter and buffer names, one per line
//   model/…        the parameters, nested by module
// The trainer adds its sections (optimizer, trainer/step, RNG states) beside these.
#pragma once

#include <c10/core/Device.h>

#include <string>

#include "agents/archive_fields.h"
#include "agents/language_model.h"
#include "configs/lm_config.h"

namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace mindt {

struct LoadedLm {
  config::LmConfig config;
  std::u32string vocab;
  LanguageModel model{nullptr};
};

void write_lm(torch::serialize::OutputArchive& archive, LanguageModel& model, const config::LmConfig& config,
              const std::u32string& vocab);
// The pieces, for the trainer to restore its own model. CheckpointError naming `source` when the
// archive is not a language-model checkpoint of this format, or its tensors are not `model`'s.
std::u32string read_lm_vocab(torch::serialize::InputArchive& archive, const std::string& source);
void read_lm_weights(torch::serialize::InputArchive& archive, const std::string& source, LanguageModel& model);
// Rebuilds the model the archive describes, on `device`; CheckpointError naming `source` otherwise.
LoadedLm read_lm(torch::serialize::InputArchive& archive, const std::string& source, const c10::Device& device);
LoadedLm load_lm(const std::string& path, const c10::Device& device = c10::Device(c10::kCPU));

}  // namespace mindt
