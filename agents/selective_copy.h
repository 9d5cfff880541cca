// Selective copying (Gu & Dao 2023, the Mamba paper; used by the minRNN paper to show that stacking
// layers gives min-RNNs the time dependence their input-only gates lack).
//
// A sequence of `length` filler tokens holds `tokens` data tokens at random positions, in order;
// `tokens` answer markers follow, and at each marker the model must output the next data token.
// Vocabulary as the official minRNN code has it: 16 symbols, 15 = filler, 0 = answer marker, data
// tokens 1…14. Only the marker positions are scored.
//
// The model is a token classifier on the decision model's backbone stack: Embedding → n_layers
// blocks of the chosen mixer → Linear to the 16 symbols.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>

#include "configs/config.h"

namespace mindt {

struct SelectiveCopyTask {
  static constexpr int64_t kVocab = 16, kFiller = 15, kMarker = 0;
  int64_t length = 256;  // filler region, data tokens included
  int64_t tokens = 16;   // data tokens to copy
};

struct CopyBatch {
  at::Tensor inputs;   // [B, length + tokens] int64
  at::Tensor targets;  // [B, tokens] int64: the data tokens in order
};

// A batch drawn with `generator` (deterministic for a seeded generator).
CopyBatch make_copy_batch(const SelectiveCopyTask& task, int64_t batch, at::Generator& generator);

struct CopyTrainOptions {
  SelectiveCopyTask task;
  std::string backbone = "mingru";
  int64_t layers = 2;
  int64_t dim = 64;
  int64_t steps = 2000;
  int64_t batch = 64;
  double lr = 1e-3;
  int64_t warmup = 100;
  int64_t test_sequences = 1024;
  uint64_t seed = 0;
  // Progress; may be empty. It may throw to stop training (Ctrl-C): with checkpoint_path set, the
  // steps trained so far are checkpointed first and the exception is passed on.
  std::function<void(int64_t step, double loss)> on_step;
  // When set, the model, optimizer and data generator are saved there every `checkpoint_every`
  // steps (0: only when stopped) and before the final scoring (atomically), a run finds its
  // checkpoint there and continues from it exactly, and the file is removed when the run finishes. A checkpoint made
  // with other options is not used.
  std::string checkpoint_path;
  int64_t checkpoint_every = 100;
};

struct CopyResult {
  double accuracy = 0;  // fraction of answer tokens right on fresh test sequences
  double final_loss = 0;
  int64_t parameters = 0;
  double seconds = 0;
};

// Trains a fresh model (AdamW, linear warm-up, cross-entropy on the answer positions), or continues
// one from options.checkpoint_path, and scores it on test sequences drawn from a generator
// separate from training's.
CopyResult train_selective_copy(const CopyTrainOptions& options);

}  // namespace mindt
