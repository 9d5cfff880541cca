// Recurrent token mixers: minGRU / minLSTM (parallel scan in forward, O(1) step) and torch's GRU /
// LSTM (back-propagation through time; cuDNN on the GPU), the baselines the paper compares against.
#pragma once

#include <torch/nn/modules/rnn.h>

#include "agents/backbones/token_mixer.h"
#include "agents/layers/min_rnn.h"

namespace mindt::backbones {

class MinRnnMixer : public TokenMixer {
 public:
  MinRnnMixer(layers::MinRnnKind kind, int64_t dim, double expansion);

  at::Tensor forward(const at::Tensor& x) override;
  MixerState initial_state(int64_t batch) override;  // {h [B, inner_dim]}, zeros
  at::Tensor step(const at::Tensor& x, MixerState& state) override;

 private:
  std::shared_ptr<layers::MinRnnImpl> rnn_;
};

enum class TorchRnnKind { kGru, kLstm };

class TorchRnnMixer : public TokenMixer {
 public:
  TorchRnnMixer(TorchRnnKind kind, int64_t dim);

  at::Tensor forward(const at::Tensor& x) override;
  MixerState initial_state(int64_t batch) override;  // {h [1, B, D]} for GRU, {h, c} for LSTM
  at::Tensor step(const at::Tensor& x, MixerState& state) override;

 private:
  TorchRnnKind kind_;
  int64_t dim_;
  torch::nn::GRU gru_{nullptr};
  torch::nn::LSTM lstm_{nullptr};
};

}  // namespace mindt::backbones
