// Offline training of a decision model on a D4RL-format dataset, the Decision Transformer's way:
// K-step windows sampled in proportion to episode length, MSE on the predicted actions of real
// (unpadded) steps, AdamW with linear warm-up, gradient clipping.
//
// A run lives in one directory:
//   config.yaml      the resolved config it was started with
//   log.jsonl        one JSON object per line: {step, loss, lr, samples_per_s, elapsed_s}, and after
//                    each evaluation {step, eval: [{target, return_mean, score_mean, score_std}]}
//   eval.json        the latest evaluation in full (agents/evaluator.h), with the step it was made
//                    at and every episode's return
//   checkpoint.pt    model + config (docs/checkpoints.md) + optimizer state, step and RNG state
// Evaluation (eval.episodes > 0) runs every eval.every steps and at the end, in data.env.
// Checkpoints are written every train.checkpoint_every steps, at the end, and when should_stop()
// turns true (Ctrl-C); each replaces the last atomically. Resuming restores the model, optimizer,
// step, dropout RNG and the sampler's position, so on the CPU a resumed run computes the same losses
// as an uninterrupted one, bit for bit; a run stopped during its final evaluation resumes into it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "configs/config.h"

namespace mindt {

struct TrainOptions {
  std::string run_dir;
  bool resume = false;                // continue the run in run_dir from its checkpoint
  bool progress = true;               // a progress line with ETA on stderr
  std::function<bool()> should_stop;  // polled between steps; true = checkpoint and return
};

struct TrainResult {
  int64_t steps_done = 0;
  double last_loss = 0;
  bool interrupted = false;
  std::string checkpoint;
};

// Trains per `config` (data.path, model, train, seed, device). With resume, `config` must be the run's
// own (see load_run_config). Throws std::runtime_error / DataError / ConfigError with clear messages.
TrainResult train(const config::Config& config, const TrainOptions& options);

// Several seeds of one config trained in one process, each a member: member i is exactly the run
// train() makes of `config` with seed seeds[i] in run_dirs[i] — its own data stream, initial
// weights, dropout generator, AdamW state, log, checkpoints and evaluations, its run directory an
// ordinary one (`mindt eval`, `--resume` of that run alone) — and on the CPU it computes that run's
// losses bit for bit: the members take turns at every step, each with its own generator state
// swapped in. Resuming, members whose checkpoints are at different steps (a process killed between
// their checkpoints) are brought level first. One step of a packed run is one step of every member.
struct PackedTrainOptions {
  std::vector<std::string> run_dirs;  // one per seed, all different
  std::vector<bool> resume;           // per run dir: continue the run there (empty: none)
  bool progress = true;
  std::function<bool()> should_stop;
};
std::vector<TrainResult> train_seeds(const config::Config& config, const std::vector<int64_t>& seeds,
                                     const PackedTrainOptions& options);

// The config a run was started with (run_dir/config.yaml), with overrides applied.
config::Config load_run_config(const std::string& run_dir, const std::vector<std::string>& overrides = {});

// The training step of the evaluation in run_dir/eval.json; -1 when there is none (or the file,
// written before evaluations recorded their step, does not say). A run is finished when this is
// train.steps: an evaluation made every eval.every steps also writes eval.json.
int64_t evaluated_step(const std::string& run_dir);

}  // namespace mindt
