// A character-level language model on the decision model's backbone stack (issue 24):
//
//   tokens → Embedding(V, D) [+ learned position embedding: transformer only] → Dropout
//          → Backbone (n_layers blocks of the chosen mixer, final LayerNorm) → head → logits [V]
//
// The head is the token embedding's transpose when tie_weights is set (nanoGPT's choice), else a
// Linear(D, V) of its own; neither has a bias. Only attention needs positions, as nanoGPT gives its
// GPT; the recurrent backbones know where they are from their state.
//
// Two modes compute the same logits: forward(tokens [B, L]) for training, and step(token [B]) with
// a GenerationState for sampling — O(1) per character for the recurrent backbones, one row of a KV
// cache for the transformer, whose position table ends at context_len.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "agents/backbones/backbone.h"
#include "configs/lm_config.h"

namespace mindt {

struct GenerationState {
  backbones::BackboneState backbone;
  int64_t position = 0;  // characters consumed so far
};

class LanguageModelImpl : public torch::nn::Module {
 public:
  LanguageModelImpl(const config::LmModelConfig& model, int64_t vocab_size);

  at::Tensor forward(const at::Tensor& tokens);  // [B, L] int64 → logits [B, L, V]; L ≤ context_len for the transformer
  GenerationState initial_state(int64_t batch);
  at::Tensor step(const at::Tensor& token, GenerationState& state);  // [B] int64 → logits [B, V]

  // Whether a window must fit context_len (the transformer's position table); the recurrent
  // backbones run on past it.
  bool has_position_limit() const { return !positions_.is_empty(); }
  const config::LmModelConfig& config() const { return config_; }
  int64_t vocab_size() const { return vocab_size_; }

 private:
  at::Tensor logits(const at::Tensor& hidden);

  config::LmModelConfig config_;
  int64_t vocab_size_;
  torch::nn::Embedding tokens_{nullptr}, positions_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  backbones::Backbone backbone_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(LanguageModel);

}  // namespace mindt
