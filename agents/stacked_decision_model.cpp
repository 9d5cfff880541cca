#include "agents/stacked_decision_model.h"

#include <ATen/ATen.h>

#include <stdexcept>

#include "agents/layers/stacked.h"
#include "kernels/gated_scan.h"

namespace mindt {

bool StackedDecisionForward::supports(const std::string& backbone) {
  return backbone == "transformer" || backbone == "mingru" || backbone == "minlstm";
}

StackedDecisionForward::StackedDecisionForward(std::vector<DecisionModel> members) : members_(std::move(members)) {
  if (members_.empty()) throw std::invalid_argument("stacked forward: no members");
  config_ = members_.front()->config();
  if (!supports(config_.backbone)) {
    throw std::invalid_argument("stacked forward: backbone " + config_.backbone +
                                " has no batched form (transformer, mingru and minlstm have)");
  }
  for (const DecisionModel& m : members_) {
    if (m->state_dim() != members_.front()->state_dim() || m->act_dim() != members_.front()->act_dim() ||
        m->named_parameters().size() != members_.front()->named_parameters().size()) {
      throw std::invalid_argument("stacked forward: the members are not one architecture");
    }
    std::map<std::string, at::Tensor> named;
    for (const auto& p : m->named_parameters()) named[p.key()] = p.value();
    for (const auto& b : m->named_buffers()) named[b.key()] = b.value();
    named_.push_back(std::move(named));
  }
}

at::Tensor StackedDecisionForward::stacked(const std::string& name) const {
  std::vector<at::Tensor> tensors;
  for (const auto& named : named_) tensors.push_back(named.at(name));
  return layers::stacked::stack_members(tensors);
}

at::Tensor StackedDecisionForward::linear(const at::Tensor& x, const std::string& prefix, bool has_bias) const {
  return layers::stacked::linear(x, stacked(prefix + ".weight"), has_bias ? stacked(prefix + ".bias") : at::Tensor());
}

at::Tensor StackedDecisionForward::layer_norm(const at::Tensor& x, const std::string& prefix) const {
  return layers::stacked::layer_norm(x, stacked(prefix + ".weight"), stacked(prefix + ".bias"), 1e-5);
}

at::Tensor StackedDecisionForward::dropout(const at::Tensor& x) const {
  return at::dropout(x, config_.dropout, members_.front()->is_training());
}

// x [N, B, L, D] → the mixer's output, the same shape.
at::Tensor StackedDecisionForward::mixer(const at::Tensor& x, const std::string& prefix) const {
  const int64_t n = x.size(0), batch = x.size(1), length = x.size(2), dim = x.size(3);
  if (config_.backbone == "transformer") {
    const int64_t heads = config_.transformer.n_heads;
    // [N, B, L, 3, heads, head_dim] → [3, N·B, heads, L, head_dim]
    const at::Tensor qkv =
        linear(x, prefix + ".qkv").view({n * batch, length, 3, heads, dim / heads}).permute({2, 0, 3, 1, 4});
    const double p = members_.front()->is_training() ? config_.dropout : 0.0;
    const at::Tensor y = at::scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], {}, p, /*is_causal=*/true);
    return linear(y.transpose(1, 2).reshape({n, batch, length, dim}), prefix + ".proj");
  }
  const std::string rnn = prefix + ".rnn";
  const kernels::GateKind kind =
      config_.backbone == "mingru" ? kernels::GateKind::kMinGru : kernels::GateKind::kMinLstm;
  const at::Tensor pre = linear(x, rnn + ".gates");
  const at::Tensor h = kernels::gated_scan(kind, pre.reshape({n * batch, length, pre.size(-1)}));
  const at::Tensor out = h.view({n, batch, length, h.size(-1)});
  return named_.front().count(rnn + ".out.weight") ? linear(out, rnn + ".out") : out;
}

// One pre-norm residual block (agents/backbones/backbone.cpp's Block).
at::Tensor StackedDecisionForward::block(const at::Tensor& x, const std::string& prefix) const {
  const at::Tensor mixed = x + dropout(mixer(layer_norm(x, prefix + ".mixer_norm"), prefix + ".mixer"));
  const at::Tensor hidden = at::relu(linear(layer_norm(mixed, prefix + ".mlp_norm"), prefix + ".mlp_in"));
  return mixed + dropout(linear(hidden, prefix + ".mlp_out"));
}

at::Tensor StackedDecisionForward::forward(const at::Tensor& states, const at::Tensor& actions,
                                           const at::Tensor& returns_to_go, const at::Tensor& timesteps,
                                           const at::Tensor& mask) {
  const int64_t n = static_cast<int64_t>(members_.size());
  TORCH_CHECK(states.dim() == 4 && states.size(0) == n, "stacked forward: states must be [", n, ", B, K, S], got ",
              states.sizes());
  const int64_t batch = states.size(1), steps = states.size(2), dim = config_.embed_dim;
  // [N, B, K] → [N, B, K, 1] broadcasts against each member's [S] statistics as [N, 1, 1, S].
  const at::Tensor mean = stacked("state_mean").view({n, 1, 1, -1}), std = stacked("state_std").view({n, 1, 1, -1});
  const at::Tensor time = layers::stacked::embedding(timesteps, stacked("timestep_embedding.weight"));
  const at::Tensor r = linear(returns_to_go.unsqueeze(-1), "return_embedding") + time;
  const at::Tensor s = linear((states - mean) / std, "state_embedding") + time;
  const at::Tensor a = linear(actions, "action_embedding") + time;
  at::Tensor tokens = at::stack({r, s, a}, 3).reshape({n, batch, 3 * steps, dim});
  tokens = dropout(layer_norm(tokens, "token_norm"));

  // Padding behind the real steps, as each member's forward does it (decision_model.cpp).
  at::Tensor token_index;
  if (mask.defined()) {
    const at::Tensor order = at::argsort(mask.logical_not().to(at::kByte), /*stable=*/true, /*dim=*/2);
    token_index = (order.unsqueeze(-1) * 3 + at::arange(3, order.options())).reshape({n, batch, 3 * steps});
    token_index = token_index.unsqueeze(-1).expand({n, batch, 3 * steps, dim});
    tokens = tokens.gather(2, token_index);
  }
  at::Tensor x = tokens;
  for (int64_t l = 0; l < config_.n_layers; ++l) x = block(x, "backbone.blocks." + std::to_string(l));
  at::Tensor out = layer_norm(x, "backbone.final_norm");
  if (mask.defined()) out = at::zeros_like(out).scatter(2, token_index, out);

  at::Tensor predicted = at::tanh(linear(out.view({n, batch, steps, 3, dim}).select(3, 1), "action_head"));
  if (mask.defined()) predicted = predicted * mask.unsqueeze(-1).to(predicted.scalar_type());
  return predicted;
}

}  // namespace mindt
