#include "agents/decision_model.h"

#include <ATen/ATen.h>

namespace mindt {

DecisionModelImpl::DecisionModelImpl(const config::ModelConfig& model, int64_t state_dim, int64_t act_dim)
    : config_(model), state_dim_(state_dim), act_dim_(act_dim) {
  TORCH_CHECK(state_dim > 0 && act_dim > 0, "decision model: state and action dims must be positive, got ", state_dim,
              " and ", act_dim);
  const int64_t dim = model.embed_dim;
  timestep_embedding_ = register_module("timestep_embedding", torch::nn::Embedding(model.max_ep_len, dim));
  return_embedding_ = register_module("return_embedding", torch::nn::Linear(1, dim));
  state_embedding_ = register_module("state_embedding", torch::nn::Linear(state_dim, dim));
  action_embedding_ = register_module("action_embedding", torch::nn::Linear(act_dim, dim));
  token_norm_ = register_module("token_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  token_dropout_ = register_module("token_dropout", torch::nn::Dropout(model.dropout));
  backbone_ = register_module("backbone", backbones::Backbone(model));
  action_head_ = register_module("action_head", torch::nn::Linear(dim, act_dim));
  state_mean_ = register_buffer("state_mean", at::zeros({state_dim}));
  state_std_ = register_buffer("state_std", at::ones({state_dim}));
}

void DecisionModelImpl::set_state_normalization(const at::Tensor& mean, const at::Tensor& std) {
  TORCH_CHECK(mean.numel() == state_dim_ && std.numel() == state_dim_, "decision model: state statistics must have ",
              state_dim_, " entries, got ", mean.numel(), " and ", std.numel());
  TORCH_CHECK(std.gt(0).all().item<bool>(), "decision model: state std must be positive");
  torch::NoGradGuard no_grad;
  state_mean_.copy_(mean.reshape({state_dim_}));
  state_std_.copy_(std.reshape({state_dim_}));
}

void DecisionModelImpl::check_timesteps(const at::Tensor& timesteps) const {
  TORCH_CHECK(timesteps.scalar_type() == at::kLong, "decision model: timesteps must be int64");
  if (!check_timesteps_ || timesteps.numel() == 0) return;
  const auto [lo, hi] = at::aminmax(timesteps);
  TORCH_CHECK(lo.item<int64_t>() >= 0 && hi.item<int64_t>() < config_.max_ep_len,
              "decision model: timesteps must lie in [0, ", config_.max_ep_len, ") (model.max_ep_len), got [",
              lo.item<int64_t>(), ", ", hi.item<int64_t>(), "]");
}

at::Tensor DecisionModelImpl::finish_token(const at::Tensor& embedded, const at::Tensor& timestep) {
  return token_dropout_->forward(token_norm_->forward(embedded + timestep_embedding_->forward(timestep)));
}

at::Tensor DecisionModelImpl::return_token(const at::Tensor& return_to_go, const at::Tensor& timestep) {
  check_timesteps(timestep);
  return finish_token(return_embedding_->forward(return_to_go.unsqueeze(-1)), timestep);
}

at::Tensor DecisionModelImpl::state_token(const at::Tensor& state, const at::Tensor& timestep) {
  check_timesteps(timestep);
  return finish_token(state_embedding_->forward((state - state_mean_) / state_std_), timestep);
}

at::Tensor DecisionModelImpl::action_token(const at::Tensor& action, const at::Tensor& timestep) {
  check_timesteps(timestep);
  return finish_token(action_embedding_->forward(action), timestep);
}

at::Tensor DecisionModelImpl::predict_action(const at::Tensor& state_output) {
  return at::tanh(action_head_->forward(state_output));
}

at::Tensor DecisionModelImpl::forward(const at::Tensor& states, const at::Tensor& actions,
                                      const at::Tensor& returns_to_go, const at::Tensor& timesteps,
                                      const at::Tensor& mask) {
  TORCH_CHECK(states.dim() == 3 && states.size(2) == state_dim_, "decision model: states must be [B, K, ", state_dim_,
              "], got ", states.sizes());
  const int64_t batch = states.size(0), steps = states.size(1), dim = config_.embed_dim;
  TORCH_CHECK(actions.sizes() == at::IntArrayRef({batch, steps, act_dim_}), "decision model: actions must be [", batch,
              ", ", steps, ", ", act_dim_, "], got ", actions.sizes());
  TORCH_CHECK(returns_to_go.sizes() == at::IntArrayRef({batch, steps}), "decision model: returns_to_go must be [",
              batch, ", ", steps, "], got ", returns_to_go.sizes());
  TORCH_CHECK(timesteps.sizes() == at::IntArrayRef({batch, steps}), "decision model: timesteps must be [", batch, ", ",
              steps, "], got ", timesteps.sizes());
  check_timesteps(timesteps);

  const at::Tensor time = timestep_embedding_->forward(timesteps);
  const at::Tensor r = return_embedding_->forward(returns_to_go.unsqueeze(-1)) + time;
  const at::Tensor s = state_embedding_->forward((states - state_mean_) / state_std_) + time;
  const at::Tensor a = action_embedding_->forward(actions) + time;
  at::Tensor tokens = at::stack({r, s, a}, 2).reshape({batch, 3 * steps, dim});  // R̂_0 s_0 a_0 R̂_1 …
  tokens = token_dropout_->forward(token_norm_->forward(tokens));

  // Move padding behind the real steps (a stable sort keeps the real steps in order). Then causality
  // alone keeps padding out of every real output, for every backbone, whether the sampler padded on
  // the left or the right. Done whenever a mask is given, padded or not: asking first would read
  // the mask back from the device every step, and an unpadded batch's order is the identity, whose
  // gather and scatter copy every value exactly.
  const bool padded = mask.defined();
  at::Tensor token_index;
  if (padded) {
    TORCH_CHECK(mask.sizes() == at::IntArrayRef({batch, steps}) && mask.scalar_type() == at::kBool,
                "decision model: mask must be bool [", batch, ", ", steps, "]");
    const at::Tensor order = at::argsort(mask.logical_not().to(at::kByte), /*stable=*/true, /*dim=*/1);
    token_index = (order.unsqueeze(-1) * 3 + at::arange(3, order.options())).reshape({batch, 3 * steps});
    token_index = token_index.unsqueeze(-1).expand({batch, 3 * steps, dim});
    tokens = tokens.gather(1, token_index);
  }
  at::Tensor out = backbone_->forward(tokens);
  if (padded) out = at::zeros_like(out).scatter(1, token_index, out);

  at::Tensor predicted = predict_action(out.view({batch, steps, 3, dim}).select(2, 1));
  if (padded) predicted = predicted * mask.unsqueeze(-1).to(predicted.scalar_type());
  return predicted;
}

}  // namespace mindt
