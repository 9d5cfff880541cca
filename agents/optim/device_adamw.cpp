#include "agents/optim/device_adamw.h"

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

namespace mindt::optim {
namespace {

torch::optim::AdamWParamState& state_of(torch::optim::AdamW& optimizer, const at::Tensor& p) {
  return static_cast<torch::optim::AdamWParamState&>(*optimizer.state().at(p.unsafeGetTensorImpl()));
}

const torch::optim::AdamWOptions& options_of(torch::optim::AdamW& optimizer) {
  return static_cast<const torch::optim::AdamWOptions&>(optimizer.param_groups().at(0).options());
}

}  // namespace

DeviceAdamW::DeviceAdamW(torch::optim::AdamW& optimizer, WarmupSchedule schedule, int64_t steps_done)
    : optimizer_(optimizer), schedule_(schedule), host_steps_(steps_done) {
  TORCH_CHECK(optimizer.param_groups().size() == 1, "DeviceAdamW: one parameter group expected");
  TORCH_CHECK(!options_of(optimizer).amsgrad(), "DeviceAdamW: amsgrad is not supported");
  const auto& params = optimizer.param_groups()[0].params();
  TORCH_CHECK(!params.empty(), "DeviceAdamW: the optimizer has no parameters");
  for (const auto& p : params) {
    auto& state = optimizer.state()[p.unsafeGetTensorImpl()];
    if (state) continue;
    auto fresh = std::make_unique<torch::optim::AdamWParamState>();
    fresh->step(steps_done);
    fresh->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
    fresh->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
    state = std::move(fresh);
  }
  const auto on = params[0].options().dtype(at::kDouble);
  step_ = at::full({}, double(steps_done), on);
  lr_ = at::zeros({}, on);
}

void DeviceAdamW::update_on_device() {
  const torch::optim::AdamWOptions& o = options_of(optimizer_);
  const auto [beta1, beta2] = o.betas();
  // The per-step numbers in float64, as torch's step forms them in double on the host; each is
  // rounded to the parameters' dtype where it meets them, as a Scalar would be.
  step_.add_(1);
  if (schedule_.warmup_steps > 0) {
    lr_.copy_(at::clamp_max(step_ / double(schedule_.warmup_steps), 1.0) * schedule_.lr);
  } else {
    lr_.fill_(schedule_.lr);
  }
  const at::Tensor decay = 1 - lr_ * o.weight_decay();
  const at::Tensor bias_correction1 = 1 - at::pow(beta1, step_);
  const at::Tensor sqrt_bias_correction2 = at::sqrt(1 - at::pow(beta2, step_));
  const at::Tensor minus_step_size = -(lr_ / bias_correction1);
  for (const auto& p : optimizer_.param_groups()[0].params()) {
    if (!p.grad().defined()) continue;
    const at::Tensor grad = p.grad();
    auto& state = state_of(optimizer_, p);
    at::Tensor param = p.detach();
    if (o.weight_decay() != 0) param.mul_(decay);
    state.exp_avg().mul_(beta1).add_(grad, 1 - beta1);
    state.exp_avg_sq().mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    const at::Tensor denom = (state.exp_avg_sq().sqrt() / sqrt_bias_correction2).add_(o.eps());
    // addcdiv_'s order of operations (value · m, then / denom, then + p) with a tensor value.
    param.add_(state.exp_avg().mul(minus_step_size).div_(denom));
  }
}

void DeviceAdamW::count_host_step() {
  ++host_steps_;
  for (const auto& p : optimizer_.param_groups()[0].params()) {
    if (p.grad().defined()) {
      auto& state = state_of(optimizer_, p);
      state.step(state.step() + 1);
    }
  }
}

double DeviceAdamW::last_lr() const { return lr_.item<double>(); }

}  // namespace mindt::optim
