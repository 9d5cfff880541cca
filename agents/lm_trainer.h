// Training a character-level language model (`mindt lm train`, issue 24), nanoGPT's way: random
// windows of context_len characters from the training text, next-character cross-entropy at every
// position, AdamW (weight decay on tensors of dim ≥ 2 only) with linear warm-up and cosine decay to min_lr,
// gradient clipping; the training and validation losses estimated every eval_every steps on fixed
// windows (the same ones at every estimate, so a curve's steps are comparable).
//
// A run lives in one directory (agents/run/run_directory.h):
//   config.yaml    the resolved config
//   log.jsonl      {step, loss, lr, chars_per_s, elapsed_s} every log_every steps, and
//                  {step, train_loss, val_loss, elapsed_s} at every estimate (elapsed_s: training
//                  time of the whole run, across resumes)
//   checkpoint.pt  the model (agents/lm_checkpoint.h), optimizer, step, RNG and batch-stream states
//   best.pt        the model at its lowest validation loss so far (what `mindt lm sample` wants)
// Resuming continues exactly: on the CPU a resumed run logs the same losses as an uninterrupted one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "configs/lm_config.h"

namespace mindt {

struct LmTrainOptions {
  std::string run_dir;
  bool resume = false;
  bool progress = true;               // a progress line with ETA on stderr
  std::function<bool()> should_stop;  // polled between steps; true = checkpoint and return
};

struct LmTrainResult {
  int64_t steps_done = 0;
  double last_loss = 0;
  double best_val_loss = 0;
  int64_t best_step = 0;
  bool interrupted = false;
  std::string checkpoint;
};

// Throws std::runtime_error / DataError / ConfigError with clear messages (a missing corpus, a
// corpus too short for one window, a vocabulary that is not the checkpoint's).
LmTrainResult train_lm(const config::LmConfig& config, const LmTrainOptions& options);

// The learning rate of step `step` (0-based): warm-up to lr over warmup_steps, then a cosine to
// min_lr at the last step.
double lm_learning_rate(const config::LmTrainConfig& train, int64_t step);

// The config a run was started with (run_dir/config.yaml), with overrides applied.
config::LmConfig load_lm_run_config(const std::string& run_dir, const std::vector<std::string>& overrides = {});

}  // namespace mindt
