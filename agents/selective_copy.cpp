#include "agents/selective_copy.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "agents/archive_file.h"
#include "agents/backbones/backbone.h"
#include "agents/optim/learning_rate.h"
#include "agents/run/run_loop.h"

namespace mindt {
namespace {

class CopyModelImpl : public torch::nn::Module {
 public:
  explicit CopyModelImpl(const config::ModelConfig& model) {
    embedding_ = register_module("embedding", torch::nn::Embedding(SelectiveCopyTask::kVocab, model.embed_dim));
    backbone_ = register_module("backbone", backbones::Backbone(model));
    head_ = register_module("head", torch::nn::Linear(model.embed_dim, SelectiveCopyTask::kVocab));
  }
  at::Tensor forward(const at::Tensor& tokens) {
    return head_->forward(backbone_->forward(embedding_->forward(tokens)));
  }

 private:
  torch::nn::Embedding embedding_{nullptr};
  backbones::Backbone backbone_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(CopyModel);

// Logits at the answer positions, [B, tokens, vocab].
at::Tensor answer_logits(CopyModel& model, const CopyBatch& b, int64_t tokens) {
  const at::Tensor logits = model->forward(b.inputs);
  return logits.narrow(1, logits.size(1) - tokens, tokens);
}

// The options that determine a run's numbers, as one line (what a checkpoint must match).
std::string copy_run_signature(const CopyTrainOptions& o) {
  std::ostringstream s;
  s.precision(17);
  s << "backbone=" << o.backbone << " layers=" << o.layers << " seed=" << o.seed << " dim=" << o.dim
    << " length=" << o.task.length << " tokens=" << o.task.tokens << " steps=" << o.steps << " batch=" << o.batch
    << " lr=" << o.lr << " warmup=" << o.warmup << " test_sequences=" << o.test_sequences;
  return s.str();
}

// What a run has learned so far: everything training needs to continue exactly.
struct Progress {
  int64_t step = 0;
  double loss = 0;
  double seconds = 0;  // training time spent on the run before this process
};

void save_progress(const std::string& path, const std::string& signature, CopyModel& model,
                   torch::optim::AdamW& optimizer, const at::Generator& train_data, const Progress& p) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("signature", c10::IValue(signature));
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("train_data", train_data.get_state());
  archive.write("step", c10::IValue(p.step));
  archive.write("loss", c10::IValue(p.loss));
  archive.write("seconds", c10::IValue(p.seconds));
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  save_archive(archive, path);
}

// Restores the run from `path` when it holds a checkpoint of this very run (same signature); says
// why on stderr when a file is there but cannot be used, and starts afresh.
Progress load_progress(const std::string& path, const std::string& signature, CopyModel& model,
                       torch::optim::AdamW& optimizer, at::Generator& train_data) {
  if (!std::filesystem::exists(path)) return {};
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    const std::string damage = load_checked_archive(path, archive);  // every entry's CRC-32 checked
    if (!damage.empty()) {
      throw std::runtime_error(path + ": not a readable copytask checkpoint (" + damage +
                               "); delete it to start the run afresh");
    }
    c10::IValue saved_signature, step, loss, seconds;
    archive.read("signature", saved_signature);
    if (saved_signature.toStringRef() != signature) {
      std::fprintf(stderr, "%s: a checkpoint of another run (%s); starting afresh\n", path.c_str(),
                   saved_signature.toStringRef().c_str());
      return {};
    }
    archive.read("model", model_archive);
    model->load(model_archive);
    archive.read("optimizer", optimizer_archive);
    optimizer.load(optimizer_archive);
    at::Tensor generator_state;
    archive.read("train_data", generator_state);
    train_data.set_state(generator_state);
    archive.read("step", step);
    archive.read("loss", loss);
    archive.read("seconds", seconds);
    std::fprintf(stderr, "%s: continuing the run from step %lld\n", path.c_str(), static_cast<long long>(step.toInt()));
    return {step.toInt(), loss.toDouble(), seconds.toDouble()};
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": not a readable copytask checkpoint (" + e.what_without_backtrace() +
                             "); delete it to start the run afresh");
  }
}

}  // namespace

CopyBatch make_copy_batch(const SelectiveCopyTask& task, int64_t batch, at::Generator& generator) {
  TORCH_CHECK(task.tokens >= 1 && task.tokens <= task.length, "selective copy: tokens (", task.tokens,
              ") must be between 1 and length (", task.length, ")");
  const auto longs = at::TensorOptions().dtype(at::kLong);
  const at::Tensor data = at::randint(1, SelectiveCopyTask::kFiller, {batch, task.tokens}, generator, longs);
  // Distinct random positions, in increasing order, so the data tokens keep their order.
  const at::Tensor positions =
      std::get<0>(std::get<1>(at::rand({batch, task.length}, generator).topk(task.tokens, 1)).sort(1));
  at::Tensor inputs = at::full({batch, task.length + task.tokens}, SelectiveCopyTask::kFiller, longs);
  inputs.narrow(1, 0, task.length).scatter_(1, positions, data);
  inputs.narrow(1, task.length, task.tokens).fill_(SelectiveCopyTask::kMarker);
  return {inputs, data};
}

CopyResult train_selective_copy(const CopyTrainOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  config::ModelConfig model_config;
  model_config.backbone = o.backbone;
  model_config.n_layers = o.layers;
  model_config.embed_dim = o.dim;
  model_config.dropout = 0.0;
  at::manual_seed(o.seed);
  CopyModel model(model_config);
  CopyResult result;
  for (const auto& p : model->parameters()) result.parameters += p.numel();

  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(0.01));
  at::Generator train_data = at::make_generator<at::CPUGeneratorImpl>(o.seed * 2 + 1);
  at::Generator test_data = at::make_generator<at::CPUGeneratorImpl>(o.seed * 2 + 2);
  const std::string signature = copy_run_signature(o);
  Progress resumed;
  if (!o.checkpoint_path.empty()) resumed = load_progress(o.checkpoint_path, signature, model, optimizer, train_data);
  result.final_loss = resumed.loss;
  auto elapsed = [&] {
    return resumed.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto keep = [&](int64_t steps_done) {
    if (!o.checkpoint_path.empty()) {
      save_progress(o.checkpoint_path, signature, model, optimizer, train_data,
                    {steps_done, result.final_loss, elapsed()});
    }
  };
  model->train();
  // Checkpoints every checkpoint_every steps (0: only at the end) and when the progress callback
  // stops the run, so Ctrl-C keeps every step trained so far.
  RunLoop loop({o.steps, 0, o.checkpoint_every, 0, /*evaluate=*/false}, {});
  loop.on_checkpoint = keep;
  loop.on_progress = [&](int64_t step) {
    if (!o.on_step) return;
    try {
      o.on_step(step, result.final_loss);
    } catch (...) {
      keep(step);
      throw;
    }
  };
  loop.run(resumed.step, [&](int64_t step) {
    const double lr = o.lr * std::min(1.0, double(step) / double(std::max<int64_t>(o.warmup, 1)));
    optim::set_learning_rate(optimizer, lr);
    const CopyBatch b = make_copy_batch(o.task, o.batch, train_data);
    optimizer.zero_grad();
    const at::Tensor loss =
        at::cross_entropy_loss(answer_logits(model, b, o.task.tokens).flatten(0, 1), b.targets.flatten());
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    optimizer.step();
    result.final_loss = loss.item<double>();
  });

  model->eval();
  torch::NoGradGuard no_grad;
  int64_t right = 0, total = 0;
  for (int64_t done = 0; done < o.test_sequences; done += o.batch) {
    const CopyBatch b = make_copy_batch(o.task, std::min(o.batch, o.test_sequences - done), test_data);
    const at::Tensor predicted = answer_logits(model, b, o.task.tokens).argmax(-1);
    right += predicted.eq(b.targets).sum().item<int64_t>();
    total += b.targets.numel();
  }
  result.accuracy = double(right) / double(total);
  result.seconds = elapsed();
  if (!o.checkpoint_path.empty()) std::filesystem::remove(o.checkpoint_path);
  return result;
}

}  // namespace mindt
