#include "agents/backbones/recurrent_mixers.h"

#include <ATen/ATen.h>

namespace mindt::backbones {

MinRnnMixer::MinRnnMixer(layers::MinRnnKind kind, int64_t dim, double expansion)
    : rnn_(std::make_shared<layers::MinRnnImpl>(kind, layers::MinRnnOptions(dim).expansion(expansion))) {
  register_module("rnn", rnn_);
}

at::Tensor MinRnnMixer::forward(const at::Tensor& x) { return rnn_->forward(x).output; }

MixerState MinRnnMixer::initial_state(int64_t batch) {
  return {at::zeros({batch, rnn_->inner_dim()}, rnn_->gates()->weight.options())};
}

at::Tensor MinRnnMixer::step(const at::Tensor& x, MixerState& state) {
  layers::MinRnnOutput out = rnn_->step(x, state[0]);
  state[0] = out.state;
  return out.output;
}

TorchRnnMixer::TorchRnnMixer(TorchRnnKind kind, int64_t dim) : kind_(kind), dim_(dim) {
  if (kind == TorchRnnKind::kGru) {
    gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(dim, dim).batch_first(true)));
  } else {
    lstm_ = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(dim, dim).batch_first(true)));
  }
}

at::Tensor TorchRnnMixer::forward(const at::Tensor& x) {
  return kind_ == TorchRnnKind::kGru ? std::get<0>(gru_->forward(x)) : std::get<0>(lstm_->forward(x));
}

MixerState TorchRnnMixer::initial_state(int64_t batch) {
  const at::Tensor zeros = at::zeros({1, batch, dim_}, parameters().front().options());
  if (kind_ == TorchRnnKind::kGru) return {zeros};
  return {zeros, zeros.clone()};
}

at::Tensor TorchRnnMixer::step(const at::Tensor& x, MixerState& state) {
  const at::Tensor input = x.unsqueeze(1);
  if (kind_ == TorchRnnKind::kGru) {
    auto [y, h] = gru_->forward(input, state[0]);
    state[0] = h;
    return y.squeeze(1);
  }
  auto [y, hc] = lstm_->forward(input, std::make_tuple(state[0], state[1]));
  state[0] = std::get<0>(hc);
  state[1] = std::get<1>(hc);
  return y.squeeze(1);
}

}  // namespace mindt::backbones
