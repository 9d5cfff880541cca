#include "agents/trainer.h"

#include <ATen/ATen.h>
#include <ATen/Version.h>
#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>

#include "agents/checkpoint.h"
#include "agents/decision_model.h"
#include "agents/evaluator.h"
#include "agents/run_files.h"
#include "configs/atomic_file.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "datasets/window_sampler.h"
#include "envs/env_specs.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Batch {
  at::Tensor states, actions, returns, timesteps, mask;
};

Batch to_tensors(datasets::WindowBatch& w, const c10::Device& device) {
  const int64_t B = w.batch, K = w.context;
  auto wrap = [&](void* data, std::vector<int64_t> shape, at::ScalarType type) {
    return at::from_blob(data, shape, at::TensorOptions().dtype(type)).to(device, /*non_blocking=*/false, /*copy=*/true);
  };
  return {wrap(w.states.data(), {B, K, w.state_dim}, at::kFloat), wrap(w.actions.data(), {B, K, w.act_dim}, at::kFloat),
          wrap(w.returns_to_go.data(), {B, K}, at::kFloat), wrap(w.timesteps.data(), {B, K}, at::kLong),
          wrap(w.mask.data(), {B, K}, at::kByte).to(at::kBool)};
}

// DT's warm-up: the learning rate rises linearly over the first warmup_steps steps.
double learning_rate(const config::TrainConfig& t, int64_t step) {
  if (t.warmup_steps <= 0) return t.lr;
  return t.lr * std::min(1.0, double(step + 1) / double(t.warmup_steps));
}

void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

std::string format_duration(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds);
  std::ostringstream o;
  if (s >= 3600) o << s / 3600 << "h" << std::setw(2) << std::setfill('0') << (s % 3600) / 60 << "m";
  else if (s >= 60) o << s / 60 << "m" << std::setw(2) << std::setfill('0') << s % 60 << "s";
  else o << s << "s";
  return o.str();
}

// Keeps the log lines of steps ≤ `step` (those the checkpoint covers), rewriting the file atomically.
// Evaluates per config.eval, logs one line and writes run_dir/eval.json; returns the log line.
void evaluate_into_log(DecisionModel& model, const config::Config& config, int64_t step, std::ofstream& log,
                       const fs::path& run_dir, bool progress) {
  const EvalOptions o = eval_options(config);
  const auto results = evaluate(model, o);
  model->train();
  std::ostringstream line;
  line << std::setprecision(8) << "{\"step\": " << step << ", \"eval\": [";
  for (size_t i = 0; i < results.size(); ++i) {
    line << (i ? ", " : "") << "{\"target\": " << results[i].target << ", \"return_mean\": " << results[i].return_mean
         << ", \"score_mean\": " << results[i].score_mean << ", \"score_std\": " << results[i].score_std << "}";
  }
  line << "]}\n";
  log << line.str() << std::flush;
  const std::string json = results_json(o, results, step);
  write_atomically((run_dir / "eval.json").string(), [&](const std::string& temporary) { std::ofstream(temporary) << json; });
  if (progress) {
    std::cerr << "\n[eval] step " << step << ":";
    for (const auto& r : results) {
      std::cerr << "  target " << std::defaultfloat << std::setprecision(6) << r.target << " → normalized " << std::fixed << std::setprecision(1) << r.score_mean
                << " ± " << r.score_std;
    }
    std::cerr << "\n";
  }
}

void save_training_checkpoint(const std::string& path, DecisionModel& model, const config::Config& config,
                              torch::optim::AdamW& optimizer, int64_t step) {
  torch::serialize::OutputArchive archive;
  write_model(archive, model, config);
  archive.write("trainer/step", c10::IValue(step));
  archive.write("trainer/rng_cpu", cpu_rng_state(), /*is_buffer=*/true);
  const c10::Device device = model->parameters().front().device();
  if (device.is_cuda()) archive.write("trainer/rng_cuda", cuda_rng_state(device), /*is_buffer=*/true);
  torch::serialize::OutputArchive optimizer_archive(archive.compilation_unit());
  optimizer.save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  write_atomically(path, [&](const std::string& temporary) { archive.save_to(temporary); });
}

// A dataset of another env would train fine and fail only at evaluation, hours later: refuse it now.
void check_data_fits_env(const datasets::D4rlDataset& data, const config::Config& config) {
  const std::string& env = config.data.env;
  const envs::EnvDims dims = envs::env_dims(env);
  if (data.obs_dim() != dims.obs_dim || data.act_dim() != dims.act_dim) {
    const auto fitting = envs::envs_with_dims(data.obs_dim(), data.act_dim());
    std::string hint = fitting.empty() ? "no D4RL locomotion env has these sizes" : "it fits " + fitting[0];
    if (fitting.size() > 1) hint += " or " + fitting[1];
    throw std::runtime_error(config.data.path + " has " + std::to_string(data.obs_dim()) + "-dim observations and " +
                             std::to_string(data.act_dim()) + "-dim actions, but data.env is " + env + " (" +
                             std::to_string(dims.obs_dim) + " and " + std::to_string(dims.act_dim) + "): " + hint +
                             "; use that env's preset or --set data.env=…");
  }
  const auto named = data.metadata.find("env");
  if (named == data.metadata.end()) return;
  const auto* name = std::get_if<std::string>(&named->second);
  if (name && name->rfind(env, 0) != 0) {
    throw std::runtime_error(config.data.path + ": metadata/env says '" + *name + "', but data.env is " + env);
  }
}

}  // namespace

config::Config load_run_config(const std::string& run_dir, const std::vector<std::string>& overrides) {
  const std::string path = (fs::path(run_dir) / "config.yaml").string();
  if (!fs::exists(path)) throw std::runtime_error(run_dir + ": not a mindt run directory (no config.yaml)");
  return config::load_config(path, overrides);
}

int64_t evaluated_step(const std::string& run_dir) {
  const fs::path path = fs::path(run_dir) / "eval.json";
  if (!fs::exists(path)) return -1;
  try {
    const YAML::Node step = YAML::LoadFile(path.string())["step"];
    return step ? step.as<int64_t>() : -1;
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path.string() + ": not a readable evaluation (" + e.what() +
                             "); delete the file to evaluate that run again");
  }
}

TrainResult train(const config::Config& config_in, const TrainOptions& options) {
  config::Config config = config_in;
  const config::TrainConfig& t = config.train;
  if (config.data.path.empty()) throw std::runtime_error("data.path is empty: give a D4RL-format HDF5 file (--set data.path=FILE)");
  const fs::path run_dir(options.run_dir);
  const std::string checkpoint_path = (run_dir / "checkpoint.pt").string();
  const std::string log_path = (run_dir / "log.jsonl").string();
  if (options.resume) {
    if (!fs::exists(checkpoint_path)) throw std::runtime_error(options.run_dir + ": no checkpoint.pt to resume from");
  } else {
    if (fs::exists(run_dir) && !fs::is_empty(run_dir)) {
      throw std::runtime_error(options.run_dir + " already holds a run; resume it with --resume or choose another --out");
    }
  }

  // Data: everything the model needs to know about it (sizes, state statistics) comes from the file.
  // It is read and checked before the run directory exists, so bad input leaves nothing behind.
  const datasets::D4rlDataset data = datasets::read_d4rl(config.data.path);
  check_data_fits_env(data, config);
  const c10::Device device = resolve_device(config.device);
  if (!options.resume) {
    fs::create_directories(run_dir);
    write_atomically((run_dir / "config.yaml").string(),
                     [&](const std::string& temporary) { std::ofstream(temporary) << config::to_yaml(config); });
  }
  auto episodes = datasets::split_episodes(data.terminals, data.timeouts, data.rewards);
  datasets::SamplerOptions sampling;
  sampling.context_len = config.model.context_len;
  sampling.batch_size = t.batch_size;
  sampling.reward_scale = config.data.reward_scale;
  sampling.seed = static_cast<uint64_t>(config.seed);
  datasets::WindowSampler sampler(data, std::move(episodes), sampling);
  const datasets::StateStatistics stats = datasets::state_statistics(data.observations);

  at::manual_seed(config.seed);
  DecisionModel model(config.model, data.obs_dim(), data.act_dim());
  model->set_state_normalization(at::tensor(stats.mean), at::tensor(stats.std));
  model->to(device);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(t.lr)
                                                         .weight_decay(t.weight_decay)
                                                         .betas({t.beta1, t.beta2}));
  int64_t step = 0;
  if (options.resume) {
    torch::serialize::InputArchive archive;
    open_checkpoint(checkpoint_path, archive, device);
    read_weights(archive, checkpoint_path, model);
    c10::IValue stored_step;
    archive.read("trainer/step", stored_step);
    step = stored_step.toInt();
    at::Tensor rng;
    archive.read("trainer/rng_cpu", rng, /*is_buffer=*/true);
    restore_cpu_rng(rng);
    // A run moved between CPU and GPU resumes with its weights and moments, not its dropout draws.
    at::Tensor cuda_rng;
    if (device.is_cuda() && archive.try_read("trainer/rng_cuda", cuda_rng, /*is_buffer=*/true)) {
      restore_cuda_rng(device, cuda_rng);
    }
    torch::serialize::InputArchive optimizer_archive;
    archive.read("optimizer", optimizer_archive);
    optimizer.load(optimizer_archive);
    sampler.seek(step);
    truncate_log(log_path, step);
  }

  std::ofstream log(log_path, std::ios::app);
  if (!log) throw std::runtime_error(log_path + ": cannot open the log for writing");
  model->train();
  TrainResult result;
  const auto started = Clock::now();
  auto last_progress = Clock::now() - std::chrono::hours(1);
  const int64_t first_step = step;
  if (options.progress) {
    std::cerr << "[train] " << config.model.backbone << " on " << config.data.path << " (" << data.size()
              << " transitions), " << device
              // ATen's CPU kernel set decides whether a transformer run reproduces on another CPU.
              << (device.is_cpu() ? " (ATen " + at::get_cpu_capability() + " kernels)" : std::string())
              << ", steps " << step << " → " << t.steps << ", run " << options.run_dir << "\n";
  }
  while (step < t.steps) {
    if (options.should_stop && options.should_stop()) {
      result.interrupted = true;
      break;
    }
    datasets::WindowBatch window = sampler.next();
    const Batch b = to_tensors(window, device);
    const double lr = learning_rate(t, step);
    set_learning_rate(optimizer, lr);
    optimizer.zero_grad();
    const at::Tensor predicted = model->forward(b.states, b.actions, b.returns, b.timesteps, b.mask);
    const at::Tensor weight = b.mask.unsqueeze(-1).to(at::kFloat);
    const at::Tensor loss = ((predicted - b.actions).pow(2) * weight).sum() / (weight.sum() * data.act_dim());
    loss.backward();
    if (t.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), t.grad_clip);
    optimizer.step();
    ++step;
    result.last_loss = loss.item<double>();

    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const double samples_per_s = double((step - first_step) * t.batch_size) / std::max(elapsed, 1e-9);
    if (step % t.log_every == 0 || step == t.steps) {
      char line[256];
      std::snprintf(line, sizeof line, "{\"step\": %lld, \"loss\": %.9g, \"lr\": %.6g, \"samples_per_s\": %.1f, \"elapsed_s\": %.2f}\n",
                    static_cast<long long>(step), result.last_loss, lr, samples_per_s, elapsed);
      log << line << std::flush;
    }
    if (step % t.checkpoint_every == 0 || step == t.steps) {
      save_training_checkpoint(checkpoint_path, model, config, optimizer, step);
    }
    const bool periodic = config.eval.every > 0 && step % config.eval.every == 0;
    if (config.eval.episodes > 0 && (periodic || step == t.steps)) {
      evaluate_into_log(model, config, step, log, run_dir, options.progress);
    }
    if (options.progress && (Clock::now() - last_progress > std::chrono::milliseconds(500) || step == t.steps)) {
      last_progress = Clock::now();
      const double eta = double(t.steps - step) * elapsed / double(step - first_step);
      std::cerr << "\r[train] step " << step << "/" << t.steps << " (" << std::fixed << std::setprecision(1)
                << 100.0 * double(step) / double(t.steps) << "%)  loss " << std::setprecision(5) << result.last_loss
                << "  lr " << std::scientific << std::setprecision(2) << lr << std::fixed << "  "
                << std::setprecision(0) << samples_per_s << " samples/s  ETA " << format_duration(eta) << "   "
                << std::flush;
    }
  }
  // A run stopped during its final evaluation resumes with nothing left to train: finish that
  // evaluation (eval.json is then missing or holds an evaluation from the middle of the run).
  if (options.resume && first_step == t.steps && config.eval.episodes > 0 &&
      evaluated_step(run_dir.string()) != t.steps) {
    evaluate_into_log(model, config, step, log, run_dir, options.progress);
  }
  if (result.interrupted) save_training_checkpoint(checkpoint_path, model, config, optimizer, step);
  if (options.progress) std::cerr << "\n";
  result.steps_done = step;
  result.checkpoint = checkpoint_path;
  return result;
}

}  // namespace mindt
