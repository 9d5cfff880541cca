#include "agents/backbones/backbone.h"

#include <ATen/ATen.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

#include "agents/backbones/attention.h"
#include "agents/backbones/mamba.h"
#include "agents/backbones/recurrent_mixers.h"

namespace mindt::backbones {
namespace {

// GPT-2's initialisation (the Decision Transformer keeps it): weights N(0, 0.02), biases 0, and the
// projections that write into the residual stream scaled by 1/√(2·layers) so its variance does not
// grow with depth.
void init_gpt2(torch::nn::Linear& linear, int64_t n_layers, bool writes_residual) {
  torch::NoGradGuard no_grad;
  const double std = writes_residual ? 0.02 / std::sqrt(2.0 * n_layers) : 0.02;
  linear->weight.normal_(0.0, std);
  if (linear->bias.defined()) linear->bias.zero_();
}

class Block : public torch::nn::Module {
 public:
  Block(const config::ModelConfig& model, std::shared_ptr<TokenMixer> mixer) : mixer_(std::move(mixer)) {
    const int64_t dim = model.embed_dim, hidden = model.embed_dim * model.mlp_ratio;
    mixer_norm_ = register_module("mixer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    register_module("mixer", mixer_);
    mlp_norm_ = register_module("mlp_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    mlp_in_ = register_module("mlp_in", torch::nn::Linear(dim, hidden));
    mlp_out_ = register_module("mlp_out", torch::nn::Linear(hidden, dim));
    dropout_ = register_module("dropout", torch::nn::Dropout(model.dropout));
    init_gpt2(mlp_in_, model.n_layers, false);
    init_gpt2(mlp_out_, model.n_layers, true);
  }

  at::Tensor forward(const at::Tensor& x) {
    const at::Tensor mixed = x + dropout_->forward(mixer_->forward(mixer_norm_->forward(x)));
    return mixed + dropout_->forward(mlp(mlp_norm_->forward(mixed)));
  }

  at::Tensor step(const at::Tensor& x, MixerState& state) {
    const at::Tensor mixed = x + dropout_->forward(mixer_->step(mixer_norm_->forward(x), state));
    return mixed + dropout_->forward(mlp(mlp_norm_->forward(mixed)));
  }

  TokenMixer& mixer() { return *mixer_; }

 private:
  at::Tensor mlp(const at::Tensor& x) { return mlp_out_->forward(at::relu(mlp_in_->forward(x))); }

  std::shared_ptr<TokenMixer> mixer_;
  torch::nn::LayerNorm mixer_norm_{nullptr}, mlp_norm_{nullptr};
  torch::nn::Linear mlp_in_{nullptr}, mlp_out_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};

}  // namespace

std::shared_ptr<TokenMixer> make_mixer(const config::ModelConfig& model) {
  const std::string& name = model.backbone;
  if (name == "transformer") {
    auto attention = std::make_shared<CausalSelfAttention>(model.embed_dim, model.transformer.n_heads, model.dropout);
    torch::nn::Linear proj = attention->output_projection();
    init_gpt2(proj, model.n_layers, true);
    return attention;
  }
  if (name == "mingru") {
    return std::make_shared<MinRnnMixer>(layers::MinRnnKind::kMinGru, model.embed_dim, model.mingru.expansion);
  }
  if (name == "minlstm") {
    return std::make_shared<MinRnnMixer>(layers::MinRnnKind::kMinLstm, model.embed_dim, model.minlstm.expansion);
  }
  if (name == "gru") return std::make_shared<TorchRnnMixer>(TorchRnnKind::kGru, model.embed_dim);
  if (name == "lstm") return std::make_shared<TorchRnnMixer>(TorchRnnKind::kLstm, model.embed_dim);
  if (name == "mamba") {
    const auto& m = model.mamba;
    return std::make_shared<MambaMixer>(MambaOptions{model.embed_dim, m.d_state, m.d_conv, m.expand, m.dt_rank});
  }
  std::string valid;
  for (const auto& b : config::kBackbones) valid += (valid.empty() ? "" : ", ") + b;
  TORCH_CHECK(false, "unknown backbone '", name, "'; valid backbones: ", valid);
}

BackboneImpl::BackboneImpl(const config::ModelConfig& model) : name_(model.backbone) {
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < model.n_layers; ++i) blocks_->push_back(std::make_shared<Block>(model, make_mixer(model)));
  final_norm_ = register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({model.embed_dim})));
}

at::Tensor BackboneImpl::forward(const at::Tensor& tokens) {
  TORCH_CHECK(tokens.dim() == 3, name_, " backbone: tokens must be [B, L, D], got ", tokens.sizes());
  at::Tensor x = tokens;
  for (const auto& block : *blocks_) x = block->as<Block>()->forward(x);
  return final_norm_->forward(x);
}

BackboneState BackboneImpl::initial_state(int64_t batch) {
  BackboneState state;
  for (const auto& block : *blocks_) state.layers.push_back(block->as<Block>()->mixer().initial_state(batch));
  return state;
}

at::Tensor BackboneImpl::step(const at::Tensor& token, BackboneState& state) {
  TORCH_CHECK(token.dim() == 2, name_, " backbone: a step takes one token [B, D], got ", token.sizes());
  TORCH_CHECK(state.layers.size() == blocks_->size(), name_, " backbone: state has ", state.layers.size(),
              " layers, the model ", blocks_->size());
  at::Tensor x = token;
  for (size_t i = 0; i < blocks_->size(); ++i) x = blocks_[i]->as<Block>()->step(x, state.layers[i]);
  return final_norm_->forward(x);
}

}  // namespace mindt::backbones
