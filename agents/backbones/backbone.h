// The sequence backbone of a decision model, chosen by `model.backbone` in YAML:
//
//   transformer  causal self-attention (GPT-2, as the Decision Transformer)
//   mingru       minGRU, parallel scan in training, O(1) per step in inference
//   minlstm      minLSTM, likewise
//   gru, lstm    torch's GRU / LSTM (cuDNN on the GPU), trained by back-propagation through time
//   mamba        Mamba's selective SSM, its recurrence on our scan kernel
//
// Every backbone is the same stack: n_layers pre-norm residual blocks
//     x = x + Dropout(Mixer(LayerNorm(x)))
//     x = x + Dropout(MLP(LayerNorm(x)))          MLP = Linear(D, r·D) → ReLU → Linear(r·D, D)
// and a final LayerNorm. With attention as the mixer this is exactly GPT-2's block, which the
// Decision Transformer uses; the minRNN paper's official blocks have the same shape (norm → min-RNN →
// residual, norm → feed-forward → residual). Keeping everything but the mixer identical means a
// comparison of backbones compares token mixers and nothing else.
//
// Inputs are tokens [B, L, D] already embedded; the stack is causal, so it needs no padding mask:
// the decision model moves padding behind the real tokens, where causality keeps it from them.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <string>

#include "agents/backbones/token_mixer.h"
#include "configs/config.h"

namespace mindt::backbones {

// One mixer state per layer.
struct BackboneState {
  std::vector<MixerState> layers;
};

// Builds the mixer of one block; throws c10::Error naming the valid backbones for an unknown name.
std::shared_ptr<TokenMixer> make_mixer(const config::ModelConfig& model);

class BackboneImpl : public torch::nn::Module {
 public:
  explicit BackboneImpl(const config::ModelConfig& model);

  at::Tensor forward(const at::Tensor& tokens);  // [B, L, D] → [B, L, D], causal
  BackboneState initial_state(int64_t batch);
  at::Tensor step(const at::Tensor& token, BackboneState& state);  // [B, D] → [B, D]

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  torch::nn::ModuleList blocks_;
  torch::nn::LayerNorm final_norm_{nullptr};
};
TORCH_MODULE(Backbone);

}  // namespace mindt::backbones
