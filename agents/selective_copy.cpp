#include "agents/selective_copy.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>

#include "agents/backbones/backbone.h"

namespace mindt {
namespace {

class CopyModelImpl : public torch::nn::Module {
 public:
  explicit CopyModelImpl(const config::ModelConfig& model) {
    embedding_ = register_module("embedding", torch::nn::Embedding(SelectiveCopyTask::kVocab, model.embed_dim));
    backbone_ = register_module("backbone", backbones::Backbone(model));
    head_ = register_module("head", torch::nn::Linear(model.embed_dim, SelectiveCopyTask::kVocab));
  }
  at::Tensor forward(const at::Tensor& tokens) { return head_->forward(backbone_->forward(embedding_->forward(tokens))); }

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
  model->train();
  for (int64_t step = 0; step < o.steps; ++step) {
    const double lr = o.lr * std::min(1.0, double(step + 1) / double(std::max<int64_t>(o.warmup, 1)));
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    const CopyBatch b = make_copy_batch(o.task, o.batch, train_data);
    optimizer.zero_grad();
    const at::Tensor loss = at::cross_entropy_loss(answer_logits(model, b, o.task.tokens).flatten(0, 1), b.targets.flatten());
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    optimizer.step();
    result.final_loss = loss.item<double>();
    if (o.on_step) o.on_step(step + 1, result.final_loss);
  }

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
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace mindt
