// The forward of N decision models of one architecture — a packed run's members — as one batched
// computation: every member's weights stacked along a leading dimension (agents/layers/stacked.h),
// every matrix product one batched product, the sequence kernels run over all members' batches at
// once. What a GPU needs to train N seeds for about the cost of one; the members stay ordinary
// DecisionModels whose parameters get their gradients through the stacking.
//
// It computes what each member's own forward computes, to rounding (tests/agents/
// test_stacked_decision_model.cpp), for the backbones it supports — transformer, mingru, minlstm;
// GRU, LSTM and Mamba have no batched form yet (a seed pack takes turns for them). Dropout is one
// draw over all members (each member's masks its own, not those its solo run would draw).
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "agents/decision_model.h"

namespace mindt {

class StackedDecisionForward {
 public:
  static bool supports(const std::string& backbone);
  // The members share their config and state/action sizes; std::invalid_argument otherwise, or for a
  // backbone without a batched form.
  explicit StackedDecisionForward(std::vector<DecisionModel> members);

  // Inputs with a leading member dimension — states [N, B, K, S], actions [N, B, K, A],
  // returns_to_go and timesteps [N, B, K], mask [N, B, K] bool (or undefined) — as
  // DecisionModelImpl::forward takes them per member; predicted actions [N, B, K, A]. Training mode
  // (dropout) follows the first member's.
  at::Tensor forward(const at::Tensor& states, const at::Tensor& actions, const at::Tensor& returns_to_go,
                     const at::Tensor& timesteps, const at::Tensor& mask = {});

 private:
  // Every member's parameter or buffer `name`, stacked: [N, ...].
  at::Tensor stacked(const std::string& name) const;
  at::Tensor linear(const at::Tensor& x, const std::string& prefix, bool has_bias = true) const;
  at::Tensor layer_norm(const at::Tensor& x, const std::string& prefix) const;
  at::Tensor dropout(const at::Tensor& x) const;
  at::Tensor block(const at::Tensor& x, const std::string& prefix) const;
  at::Tensor mixer(const at::Tensor& x, const std::string& prefix) const;

  std::vector<DecisionModel> members_;
  std::vector<std::map<std::string, at::Tensor>> named_;  // each member's parameters and buffers by name
  config::ModelConfig config_;
};

}  // namespace mindt
