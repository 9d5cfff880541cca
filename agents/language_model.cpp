#include "agents/language_model.h"

#include <ATen/ATen.h>

namespace mindt {

LanguageModelImpl::LanguageModelImpl(const config::LmModelConfig& model, int64_t vocab_size)
    : config_(model), vocab_size_(vocab_size) {
  TORCH_CHECK(vocab_size >= 1, "language model: the vocabulary is empty");
  const int64_t dim = model.embed_dim;
  tokens_ = register_module("tokens", torch::nn::Embedding(vocab_size, dim));
  if (model.backbone == "transformer") {
    positions_ = register_module("positions", torch::nn::Embedding(model.context_len, dim));
  }
  dropout_ = register_module("dropout", torch::nn::Dropout(model.dropout));
  backbone_ = register_module("backbone", backbones::Backbone(model.backbone_config()));
  if (!model.tie_weights) {
    head_ = register_module("head", torch::nn::Linear(torch::nn::LinearOptions(dim, vocab_size).bias(false)));
  }
  // GPT-2's initialisation, as the backbone's own layers have it.
  torch::NoGradGuard no_grad;
  tokens_->weight.normal_(0.0, 0.02);
  if (!positions_.is_empty()) positions_->weight.normal_(0.0, 0.02);
  if (!head_.is_empty()) head_->weight.normal_(0.0, 0.02);
}

at::Tensor LanguageModelImpl::logits(const at::Tensor& hidden) {
  return !head_.is_empty() ? head_->forward(hidden) : at::linear(hidden, tokens_->weight);
}

at::Tensor LanguageModelImpl::forward(const at::Tensor& tokens) {
  TORCH_CHECK(tokens.dim() == 2, "language model: tokens must be [batch, length]");
  at::Tensor x = tokens_->forward(tokens);
  if (!positions_.is_empty()) {
    const int64_t length = tokens.size(1);
    TORCH_CHECK(length <= config_.context_len, "language model: a window of ", length,
                " characters is longer than the transformer's context_len (", config_.context_len, ")");
    x = x + positions_->forward(at::arange(length, tokens.options()));
  }
  return logits(backbone_->forward(dropout_->forward(x)));
}

GenerationState LanguageModelImpl::initial_state(int64_t batch) { return {backbone_->initial_state(batch), 0}; }

at::Tensor LanguageModelImpl::step(const at::Tensor& token, GenerationState& state) {
  TORCH_CHECK(token.dim() == 1, "language model: step takes one token per sequence, [batch]");
  at::Tensor x = tokens_->forward(token);
  if (!positions_.is_empty()) {
    TORCH_CHECK(state.position < config_.context_len, "language model: the transformer's context of ",
                config_.context_len, " characters is full");
    x = x + positions_->weight[state.position];
  }
  ++state.position;
  return logits(backbone_->step(dropout_->forward(x), state.backbone));
}

}  // namespace mindt
