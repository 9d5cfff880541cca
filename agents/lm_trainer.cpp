#include "agents/lm_trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "agents/archive_file.h"
#include "agents/char_tokens.h"
#include "agents/lm_checkpoint.h"
#include "agents/optim/learning_rate.h"
#include "agents/run/device.h"
#include "agents/run/run_directory.h"
#include "agents/run/run_loop.h"
#include "common/errors.h"
#include "common/json.h"
#include "datasets/char_corpus.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

// Windows of a token stream: inputs x[t … t+L) and targets x[t+1 … t+L], at offsets drawn from
// `generator`.
struct Windows {
  at::Tensor inputs, targets;  // [B, L] int64
};

Windows draw_windows(const at::Tensor& stream, int64_t batch, int64_t length, at::Generator& generator,
                     const c10::Device& device) {
  const int64_t starts = stream.size(0) - length;  // offsets 0 … starts-1 leave room for the target
  const at::Tensor offsets = at::randint(starts, {batch, 1}, generator, at::kLong);
  // One gather of length + 1 characters per window: the inputs and, shifted by one, the targets.
  const at::Tensor windows = stream.index({offsets + at::arange(length + 1, at::kLong)}).to(device);
  return {windows.narrow(1, 0, length).contiguous(), windows.narrow(1, 1, length).contiguous()};
}

// The estimate's windows are drawn from a generator seeded anew each time: every estimate of a
// run (and of runs with the same seed) scores the same windows.
at::Generator estimate_generator(int64_t seed, int64_t which) {
  return at::make_generator<at::CPUGeneratorImpl>(uint64_t(seed) * 4 + 2 + uint64_t(which));
}

torch::optim::AdamW make_optimizer(LanguageModelImpl& model, const config::LmTrainConfig& t) {
  std::vector<at::Tensor> decayed, kept;
  for (const auto& p : model.parameters()) (p.dim() >= 2 ? decayed : kept).push_back(p);
  auto options = [&](double decay) {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(t.lr).betas({t.beta1, t.beta2}).weight_decay(decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decayed, options(t.weight_decay));
  groups.emplace_back(kept, options(0.0));
  return torch::optim::AdamW(groups, torch::optim::AdamWOptions(t.lr));
}

void check_corpus_vocab(const std::u32string& corpus, const std::u32string& checkpoint, const std::string& corpus_dir,
                        const std::string& checkpoint_path) {
  if (corpus == checkpoint) return;
  throw DataError(corpus_dir + ": its vocabulary (" + std::to_string(corpus.size()) + " characters) is not the one " +
                  checkpoint_path + " was trained with (" + std::to_string(checkpoint.size()) +
                  "): the corpus changed since the run started; rebuild the corpus the run used, or start a new run");
}

// Everything a run carries from step to step, and its checkpoint.
class LmRun {
 public:
  LmRun(const config::LmConfig& config, const datasets::CharCorpus& corpus, const c10::Device& device)
      : config_(config),
        device_(device),
        tokenizer_(corpus.vocab),
        train_(tokenizer_.encode(corpus.train, config.data + "/train.txt")),
        val_(tokenizer_.encode(corpus.val, config.data + "/val.txt")),
        batches_(at::make_generator<at::CPUGeneratorImpl>(uint64_t(config.seed) * 4 + 1)) {
    at::manual_seed(config.seed);
    model_ = LanguageModel(config.model, tokenizer_.size());
    model_->to(device);
    optimizer_ = std::make_unique<torch::optim::AdamW>(make_optimizer(*model_, config.train));
  }

  void train_step(int64_t step) {
    const config::LmTrainConfig& t = config_.train;
    lr_ = lm_learning_rate(t, step);
    optim::set_learning_rate(*optimizer_, lr_);
    const Windows w = draw_windows(train_, t.batch_size, config_.model.context_len, batches_, device_);
    optimizer_->zero_grad();
    const at::Tensor logits = model_->forward(w.inputs);
    const at::Tensor loss = at::cross_entropy_loss(logits.flatten(0, 1), w.targets.flatten());
    loss.backward();
    if (t.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), t.grad_clip);
    optimizer_->step();
    loss_ = loss.item<double>();
  }

  // Mean loss over eval_batches fixed windows of the training (which = 0) or validation (1) text.
  double estimate(int64_t which) {
    const config::LmTrainConfig& t = config_.train;
    at::Generator generator = estimate_generator(config_.seed, which);
    torch::NoGradGuard no_grad;
    model_->eval();
    double sum = 0;
    for (int64_t b = 0; b < t.eval_batches; ++b) {
      const Windows w =
          draw_windows(which == 0 ? train_ : val_, t.batch_size, config_.model.context_len, generator, device_);
      sum += at::cross_entropy_loss(model_->forward(w.inputs).flatten(0, 1), w.targets.flatten()).item<double>();
    }
    model_->train();
    return sum / double(t.eval_batches);
  }

  void save(const std::string& path, int64_t step, double elapsed_s) {
    torch::serialize::OutputArchive archive;
    write_lm(archive, model_, config_, tokenizer_.vocab());
    archive.write("trainer/step", c10::IValue(step));
    archive.write("trainer/elapsed_s", c10::IValue(elapsed_s));
    archive.write("trainer/best_val_loss", c10::IValue(best_val_loss));
    archive.write("trainer/best_step", c10::IValue(best_step));
    archive.write("trainer/rng_cpu", cpu_rng_state(), /*is_buffer=*/true);
    if (device_.is_cuda()) archive.write("trainer/rng_cuda", cuda_rng_state(device_), /*is_buffer=*/true);
    archive.write("trainer/batches", batches_.get_state(), /*is_buffer=*/true);
    torch::serialize::OutputArchive optimizer_archive(archive.compilation_unit());
    optimizer_->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
    save_archive(archive, path);
  }

  void save_model(const std::string& path) {
    torch::serialize::OutputArchive archive;
    write_lm(archive, model_, config_, tokenizer_.vocab());
    save_archive(archive, path);
  }

  // Restores the run from its checkpoint; returns {step, elapsed_s}.
  std::pair<int64_t, double> restore(const std::string& path) {
    torch::serialize::InputArchive archive;
    open_checkpoint(path, archive, device_);
    // The vocabulary first: a changed corpus deserves its own message, not a shape mismatch.
    check_corpus_vocab(tokenizer_.vocab(), read_lm_vocab(archive, path), config_.data, path);
    read_lm_weights(archive, path, model_);
    return translating_errors(path, [&] {
      at::Tensor rng, batches;
      archive.read("trainer/rng_cpu", rng, /*is_buffer=*/true);
      restore_cpu_rng(rng);
      at::Tensor cuda_rng;
      if (device_.is_cuda() && archive.try_read("trainer/rng_cuda", cuda_rng, /*is_buffer=*/true))
        restore_cuda_rng(device_, cuda_rng);
      archive.read("trainer/batches", batches, /*is_buffer=*/true);
      batches_.set_state(batches.cpu());
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer_->load(optimizer_archive);
      best_val_loss = read_double(archive, "trainer/best_val_loss", path);
      best_step = read_int(archive, "trainer/best_step", path);
      return std::pair<int64_t, double>{read_int(archive, "trainer/step", path),
                                        read_double(archive, "trainer/elapsed_s", path)};
    });
  }

  double last_loss() const { return loss_; }
  double last_lr() const { return lr_; }
  int64_t parameters() const {
    int64_t n = 0;
    for (const auto& p : model_->parameters()) n += p.numel();
    return n;
  }

  double best_val_loss = std::numeric_limits<double>::infinity();
  int64_t best_step = 0;

 private:
  config::LmConfig config_;
  c10::Device device_;
  CharTokenizer tokenizer_;
  at::Tensor train_, val_;
  at::Generator batches_;
  LanguageModel model_{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  double loss_ = 0, lr_ = 0;
};

datasets::CharCorpus read_corpus(const config::LmConfig& config) {
  if (!fs::exists(config.data)) {
    throw DataError(config.data + ": no character corpus there (data); build one with `mindt lm data TEXT... --out " +
                    config.data + "` — tools/setup.sh builds data/shakespeare-char");
  }
  datasets::CharCorpus corpus = datasets::read_char_corpus(config.data);
  const int64_t needed = config.model.context_len + 1;
  for (const auto& [part, text] : {std::pair{"train.txt", &corpus.train}, std::pair{"val.txt", &corpus.val}}) {
    if (int64_t(text->size()) <= needed) {
      throw DataError(config.data + "/" + part + ": " + std::to_string(text->size()) +
                      " characters, too few for one window of model.context_len " +
                      std::to_string(config.model.context_len) + " and its target");
    }
  }
  return corpus;
}

}  // namespace

double lm_learning_rate(const config::LmTrainConfig& t, int64_t step) {
  if (step < t.warmup_steps) return t.lr * double(step + 1) / double(t.warmup_steps + 1);
  const int64_t decay_steps = std::max<int64_t>(t.steps - t.warmup_steps, 1);
  const double progress = std::min(1.0, double(step - t.warmup_steps) / double(decay_steps));
  return t.min_lr + 0.5 * (1.0 + std::cos(M_PI * progress)) * (t.lr - t.min_lr);
}

config::LmConfig load_lm_run_config(const std::string& run_dir, const std::vector<std::string>& overrides) {
  const std::string path = (fs::path(run_dir) / "config.yaml").string();
  if (!fs::exists(path)) throw std::runtime_error(run_dir + ": not a mindt lm run directory (no config.yaml)");
  return config::load_lm_config(path, overrides);
}

LmTrainResult train_lm(const config::LmConfig& config, const LmTrainOptions& options) {
  const config::LmTrainConfig& t = config.train;
  RunDirectory run(options.run_dir, options.resume);
  const datasets::CharCorpus corpus = read_corpus(config);  // checked before the run directory exists
  const c10::Device device = resolve_device(config.device);
  if (config.threads > 0) at::set_num_threads(int(config.threads));
  LmRun lm(config, corpus, device);
  config::LmConfig resolved = config;  // to_yaml visits, so it takes a copy it may touch
  run.create(config::to_yaml(resolved));
  int64_t first_step = 0;
  double resumed_s = 0;
  if (run.has_checkpoint_to_resume()) std::tie(first_step, resumed_s) = lm.restore(run.checkpoint_path());
  run.open_log(first_step);

  if (options.progress) {
    std::cerr << "[lm] " << config.model.backbone << ", " << lm.parameters() << " parameters, on " << config.data
              << " (" << corpus.train.size() << " training characters, vocabulary " << corpus.vocab.size() << "), "
              << device << (device.is_cpu() ? " (ATen " + at::get_cpu_capability() + " kernels)" : std::string())
              << ", steps " << first_step << " → " << t.steps << ", run " << options.run_dir
              << (run.starts_over() ? " (it stopped before its first checkpoint: starting over)" : "") << "\n";
  }
  ProgressLine progress(options.progress, first_step, t.steps, std::chrono::milliseconds(500));
  auto elapsed_s = [&] { return resumed_s + progress.elapsed_s(); };
  const double chars_per_step = double(t.batch_size * config.model.context_len);
  auto chars_per_s = [&](int64_t step) {
    return double(step - first_step) * chars_per_step / std::max(progress.elapsed_s(), 1e-9);
  };
  RunLoop loop({t.steps, t.log_every, t.checkpoint_every, t.eval_every, true}, options.should_stop);
  loop.on_log = [&](int64_t step) {
    json::Writer line;
    line.begin_object().field("step", step).field("loss", lm.last_loss()).field("lr", lm.last_lr());
    run.log(line.field("chars_per_s", chars_per_s(step)).field("elapsed_s", elapsed_s()).end_object().str());
  };
  loop.on_evaluate = [&](int64_t step) {
    const double train_loss = lm.estimate(0);
    const double val_loss = lm.estimate(1);
    json::Writer line;
    line.begin_object().field("step", step).field("train_loss", train_loss).field("val_loss", val_loss);
    run.log(line.field("elapsed_s", elapsed_s()).end_object().str());
    if (val_loss < lm.best_val_loss) {
      lm.best_val_loss = val_loss;
      lm.best_step = step;
      lm.save_model(run.file("best.pt"));
    }
    std::ostringstream text;
    text << "[eval] step " << step << ": train loss " << std::fixed << std::setprecision(4) << train_loss
         << ", validation loss " << val_loss << " (best " << lm.best_val_loss << " at step " << lm.best_step << ")";
    progress.message(text.str());
  };
  loop.on_checkpoint = [&](int64_t step) { lm.save(run.checkpoint_path(), step, elapsed_s()); };
  loop.on_progress = [&](int64_t step) {
    if (!progress.due(step)) return;
    std::ostringstream text;
    text << "[lm] step " << step << "/" << t.steps << " (" << std::fixed << std::setprecision(1)
         << 100.0 * double(step) / double(t.steps) << "%)  loss " << std::setprecision(4) << lm.last_loss() << "  lr "
         << std::scientific << std::setprecision(2) << lm.last_lr() << std::fixed << "  " << std::setprecision(0)
         << chars_per_s(step) << " chars/s  ETA " << format_duration(progress.eta_s(step));
    progress.draw(text.str());
  };
  const LoopEnd end = loop.run(first_step, [&](int64_t step) { lm.train_step(step - 1); });
  progress.finish();

  LmTrainResult result;
  result.steps_done = end.step;
  result.last_loss = lm.last_loss();
  result.best_val_loss = lm.best_val_loss;
  result.best_step = lm.best_step;
  result.interrupted = end.interrupted;
  result.checkpoint = run.checkpoint_path();
  return result;
}

}  // namespace mindt
