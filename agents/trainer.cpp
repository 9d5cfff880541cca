#include "agents/trainer.h"

#include <ATen/ATen.h>
#include <ATen/Version.h>
#include <torch/torch.h>

#include <filesystem>
#include <iomanip>
#include <sstream>

#include "agents/decision_model.h"
#include "agents/evaluator.h"
#include "agents/learner.h"
#include "agents/run/device.h"
#include "agents/run/run_directory.h"
#include "agents/run/run_loop.h"
#include "agents/seed_pack.h"
#include "common/atomic_file.h"
#include "common/json.h"
#include "common/json_value.h"
#include "datasets/d4rl_dataset.h"
#include "envs/env_specs.h"
#include "envs/registry.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

// Evaluates per config.eval, logs one line and writes run_dir/eval.json.
void evaluate_into_log(DecisionModel& model, const config::Config& config, int64_t step, RunDirectory& run,
                       const ProgressLine& progress) {
  const EvalOptions o = eval_options(config);
  model->set_timestep_checks(true);  // rollouts' timesteps come from the env, not the checked dataset
  const auto results = evaluate(model, o);
  model->set_timestep_checks(false);
  model->train();
  json::Writer line;
  line.begin_object().field("step", step).key("eval").begin_array();
  for (const TargetResult& r : results) {
    line.begin_object().field("target", r.target).field("return_mean", r.return_mean);
    line.field("score_mean", r.score_mean).field("score_std", r.score_std).end_object();
  }
  run.log(line.end_array().end_object().str());
  write_text_atomically(run.file("eval.json"), results_json(o, results, step));
  std::ostringstream text;
  text << "[eval] step " << step << ":";
  for (const auto& r : results) {
    text << "  target " << std::defaultfloat << std::setprecision(6) << r.target << " → normalized " << std::fixed
         << std::setprecision(1) << r.score_mean << " ± " << r.score_std;
  }
  progress.message(text.str());
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
  if (!name || name->rfind(env, 0) == 0) return;  // D4RL's naming: "hopper-medium-v2"
  // A gymnasium id (Minari's env_spec.id): the env must be the very version mindt simulates, or
  // evaluation would score the policy in other dynamics.
  const std::string simulated = envs::find_env(env).gymnasium_id;
  if (*name == simulated) return;
  if (const envs::EnvEntry* collected = envs::find_gymnasium_env(*name)) {
    if (config.eval.episodes == 0) return;  // trains without evaluating: the dynamics do not matter
    throw std::runtime_error(config.data.path + " was collected in " + *name + ", but data.env " + env + " is " +
                             simulated + ", so evaluating would score the policy in other dynamics; set data.env=" +
                             collected->name + " (or eval.episodes=0 to train without evaluating)");
  }
  throw std::runtime_error(config.data.path + ": metadata/env says '" + *name + "', but data.env is " + env);
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
    const json::Value* step = json::parse_file(path.string()).find("step");
    return step ? step->as_integer() : -1;
  } catch (const std::exception& e) {  // json::ParseError, or std::invalid_argument for a wrong type
    throw std::runtime_error(path.string() + ": not a readable evaluation (" + e.what() +
                             "); delete the file to evaluate that run again");
  }
}

namespace {

// One run of a training process: train() has one, train_seeds() one per seed. Its learner is the
// pack's member of the same index.
struct Member {
  RunDirectory run;
  int64_t start = 0;     // the step this process started it from
  int64_t step = 0;      // steps done
  bool stepped = false;  // trained at the loop's current step (members resumed further wait)
};

std::vector<TrainResult> train_members(std::vector<config::Config> configs, const std::vector<std::string>& run_dirs,
                                       const std::vector<bool>& resume, bool show_progress,
                                       const std::function<bool()>& should_stop) {
  const config::Config& config = configs.front();
  const config::TrainConfig& t = config.train;
  const bool packed = configs.size() > 1;
  if (config.data.path.empty())
    throw std::runtime_error("data.path is empty: give a D4RL-format HDF5 file (--set data.path=FILE)");
  std::vector<Member> members;
  members.reserve(configs.size());
  for (size_t i = 0; i < configs.size(); ++i) members.push_back({RunDirectory(run_dirs[i], resume[i])});

  // Data: everything the model needs to know about it (sizes, state statistics) comes from the file.
  // It is read and checked before the run directories exist, so bad input leaves nothing behind.
  const datasets::D4rlDataset data = datasets::read_dataset_guarded(config.data.path);
  check_data_fits_env(data, config);
  const std::vector<datasets::Episode> episodes = checked_episodes(data, config);
  const c10::Device device = resolve_device(config.device);
  (void)wants_cuda_graph(config, device);  // refused before the run directory exists
  (void)packs_stacked(config, configs.size(), device);
  for (size_t i = 0; i < members.size(); ++i) members[i].run.create(config::to_yaml(configs[i]));
  SeedPack pack(configs, data, episodes, device);
  int64_t first_step = t.steps;
  for (size_t i = 0; i < members.size(); ++i) {
    Member& m = members[i];
    if (m.run.has_checkpoint_to_resume()) {
      pack.as_member(i, [&](Learner& l) { m.step = l.restore(m.run.checkpoint_path(), device); });
    }
    m.start = m.step;
    m.run.open_log(m.step);
    first_step = std::min(first_step, m.step);
  }

  if (show_progress) {
    std::cerr << "[train] " << config.model.backbone << " on " << config.data.path << " (" << data.size()
              << " transitions), "
              << device
              // ATen's CPU kernel set decides whether a transformer run reproduces on another CPU.
              << (device.is_cpu() ? " (ATen " + at::get_cpu_capability() + " kernels)" : std::string())
              << (packed ? std::string(pack.stacked() ? " (seeds stacked)" : " (seeds in turns)") : std::string())
              << (pack.learner(0).uses_cuda_graph() && !pack.stacked() ? " (CUDA graph)" : "") << ", steps "
              << first_step << " → " << t.steps;
    for (size_t i = 0; i < members.size(); ++i) {
      const Member& m = members[i];
      std::cerr << (packed ? "\n[train]   seed " + std::to_string(configs[i].seed) + ": run " : ", run ")
                << m.run.path() << (m.step != first_step ? " (from step " + std::to_string(m.step) + ")" : "")
                << (m.run.starts_over() ? " (it stopped before its first checkpoint: starting over)" : "");
    }
    std::cerr << "\n";
  }
  ProgressLine progress(show_progress, first_step, t.steps, std::chrono::milliseconds(500));
  auto samples_per_s = [&](int64_t step) {
    return double((step - first_step) * t.batch_size) / std::max(progress.elapsed_s(), 1e-9);
  };
  // The hooks act on the members that trained at this step.
  auto for_stepped = [&](const std::function<void(size_t, Member&)>& f) {
    for (size_t i = 0; i < members.size(); ++i) {
      if (members[i].stepped) f(i, members[i]);
    }
  };
  RunLoop loop({t.steps, t.log_every, t.checkpoint_every, config.eval.every, config.eval.episodes > 0}, should_stop);
  loop.on_log = [&](int64_t step) {
    for_stepped([&](size_t i, Member& m) {
      json::Writer line;
      line.begin_object()
          .field("step", step)
          .field("loss", pack.learner(i).last_loss())
          .field("lr", pack.learner(i).last_lr());
      m.run.log(
          line.field("samples_per_s", samples_per_s(step)).field("elapsed_s", progress.elapsed_s()).end_object().str());
    });
  };
  loop.on_checkpoint = [&](int64_t step) {
    // A checkpoint keeps the member's own generator state.
    for_stepped(
        [&](size_t i, Member& m) { pack.as_member(i, [&](Learner& l) { l.save(m.run.checkpoint_path(), step); }); });
  };
  loop.on_evaluate = [&](int64_t step) {
    for_stepped([&](size_t i, Member& m) {
      pack.as_member(i, [&](Learner& l) { evaluate_into_log(l.model(), configs[i], step, m.run, progress); });
    });
  };
  loop.on_progress = [&](int64_t step) {
    if (!progress.due(step)) return;
    std::ostringstream text;
    text << "[train] step " << step << "/" << t.steps << " (" << std::fixed << std::setprecision(1)
         << 100.0 * double(step) / double(t.steps) << "%)  loss " << std::setprecision(5);
    for (size_t i = 0; i < pack.size(); ++i) text << (i == 0 ? "" : "/") << pack.learner(i).last_loss();
    text << "  lr " << std::scientific << std::setprecision(2) << pack.learner(0).last_lr() << std::fixed << "  "
         << std::setprecision(0) << samples_per_s(step) * double(members.size()) << " samples/s  ETA "
         << format_duration(progress.eta_s(step));
    progress.draw(text.str());
  };
  const LoopEnd end = loop.run(first_step, [&](int64_t step) {
    for (size_t i = 0; i < members.size(); ++i) {
      Member& m = members[i];
      m.stepped = m.step == step - 1;  // a member resumed from a later checkpoint waits for the others
      if (!m.stepped) continue;
      pack.as_member(i, [&](Learner& l) { l.train_step(step - 1); });
      m.step = step;
    }
  });

  std::vector<TrainResult> results;
  for (size_t i = 0; i < members.size(); ++i) {
    Member& m = members[i];
    // A run stopped during its final evaluation resumes with nothing left to train: finish that
    // evaluation (eval.json is then missing or holds an evaluation from the middle of the run).
    if (resume[i] && m.start == t.steps && config.eval.episodes > 0 && evaluated_step(m.run.path()) != t.steps) {
      pack.as_member(i, [&](Learner& l) { evaluate_into_log(l.model(), configs[i], t.steps, m.run, progress); });
    }
    TrainResult result;
    result.steps_done = m.step;
    result.last_loss = pack.learner(i).last_loss();
    result.interrupted = end.interrupted;
    result.checkpoint = m.run.checkpoint_path();
    results.push_back(result);
  }
  progress.finish();
  return results;
}

}  // namespace

TrainResult train(const config::Config& config, const TrainOptions& options) {
  return train_members({config}, {options.run_dir}, {options.resume}, options.progress, options.should_stop).front();
}

std::vector<TrainResult> train_seeds(const config::Config& config, const std::vector<int64_t>& seeds,
                                     const PackedTrainOptions& options) {
  if (seeds.empty()) throw std::invalid_argument("train_seeds: no seeds given");
  if (options.run_dirs.size() != seeds.size()) {
    throw std::invalid_argument("train_seeds: " + std::to_string(seeds.size()) + " seeds but " +
                                std::to_string(options.run_dirs.size()) + " run directories");
  }
  std::vector<config::Config> configs;
  for (size_t i = 0; i < seeds.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (seeds[j] == seeds[i]) throw std::invalid_argument("seed " + std::to_string(seeds[i]) + " is given twice");
      if (options.run_dirs[j] == options.run_dirs[i])
        throw std::invalid_argument("two seeds share the run directory " + options.run_dirs[i]);
    }
    config::Config member = config;
    member.seed = seeds[i];
    configs.push_back(std::move(member));
  }
  std::vector<bool> resume = options.resume;
  if (resume.empty()) resume.assign(seeds.size(), false);
  if (resume.size() != seeds.size())
    throw std::invalid_argument("train_seeds: one resume flag per run directory expected");
  return train_members(std::move(configs), options.run_dirs, resume, options.progress, options.should_stop);
}

}  // namespace mindt
