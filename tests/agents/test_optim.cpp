// The sync-free optimizer pieces against LibTorch's own: clip_grad_norm against
// torch::nn::utils::clip_grad_norm_, DeviceAdamW against torch::optim::AdamW with DT's warm-up,
// on fresh random parameters and gradients, and checkpoints that either can resume.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "agents/optim/clip_grad.h"
#include "agents/optim/device_adamw.h"
#include "tests/test_util.h"

namespace mindt::optim {
namespace {

using mindt::testing::relative_error;

std::vector<at::Tensor> random_parameters() {
  std::vector<at::Tensor> params;
  for (auto shape : {std::vector<int64_t>{16, 8}, {8}, {3, 5, 7}, {1}}) {
    params.push_back(at::randn(shape).requires_grad_(true));
  }
  return params;
}

std::vector<at::Tensor> copies(const std::vector<at::Tensor>& params) {
  std::vector<at::Tensor> out;
  for (const auto& p : params) out.push_back(p.detach().clone().requires_grad_(true));
  return out;
}

void set_grads(const std::vector<at::Tensor>& params, const std::vector<at::Tensor>& grads) {
  for (size_t i = 0; i < params.size(); ++i) params[i].mutable_grad() = grads[i].clone();
}

std::vector<at::Tensor> random_grads(const std::vector<at::Tensor>& params, double scale) {
  std::vector<at::Tensor> grads;
  for (const auto& p : params) grads.push_back(at::randn_like(p) * scale);
  return grads;
}

TEST(ClipGradNorm, EqualsTorchsClipBitForBitWithoutReadingTheNorm) {
  mindt::testing::seed_torch();
  for (double scale : {0.01, 1.0, 30.0}) {  // below, near and above max_norm = 0.25 · √(params)
    const std::vector<at::Tensor> ours = random_parameters(), theirs = copies(ours);
    const std::vector<at::Tensor> grads = random_grads(ours, scale);
    set_grads(ours, grads);
    set_grads(theirs, grads);
    ours[1].mutable_grad() = at::Tensor();  // a parameter without a gradient is left out of the norm
    theirs[1].mutable_grad() = at::Tensor();
    const at::Tensor norm = clip_grad_norm(ours, 0.25 * std::sqrt(16.0 * 8 + 105 + 1));
    const double expected = torch::nn::utils::clip_grad_norm_(theirs, 0.25 * std::sqrt(16.0 * 8 + 105 + 1));
    ASSERT_EQ(norm.dim(), 0);
    EXPECT_EQ(norm.item<double>(), expected) << "scale " << scale;
    for (size_t i = 0; i < ours.size(); ++i) {
      if (i == 1) continue;
      EXPECT_TRUE(at::equal(ours[i].grad(), theirs[i].grad())) << "parameter " << i << ", scale " << scale;
    }
  }
  std::vector<at::Tensor> no_grads = random_parameters();
  EXPECT_FALSE(clip_grad_norm(no_grads, 1.0).defined());
}

torch::optim::AdamWOptions dt_options(double lr) { return torch::optim::AdamWOptions(lr).weight_decay(1e-4); }

// torch's AdamW with the trainer's warm-up (lr set before each step from the steps done).
void torch_step(torch::optim::AdamW& optimizer, const WarmupSchedule& s, int64_t steps_done) {
  const double lr = s.warmup_steps <= 0 ? s.lr : s.lr * std::min(1.0, double(steps_done + 1) / double(s.warmup_steps));
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  optimizer.step();
}

TEST(DeviceAdamW, MatchesTorchsAdamWWithWarmupOver100Steps) {
  mindt::testing::seed_torch();
  for (int64_t warmup : {0, 30}) {
    const WarmupSchedule schedule{1e-3, warmup};
    const std::vector<at::Tensor> ours = random_parameters(), theirs = copies(ours);
    torch::optim::AdamW ours_state(ours, dt_options(schedule.lr)), theirs_opt(theirs, dt_options(schedule.lr));
    DeviceAdamW device(ours_state, schedule, 0);
    double worst = 0;
    bool identical = true;
    for (int64_t step = 0; step < 100; ++step) {
      const std::vector<at::Tensor> grads = random_grads(ours, 1.0);
      set_grads(ours, grads);
      set_grads(theirs, grads);
      device.step();
      torch_step(theirs_opt, schedule, step);
      for (size_t i = 0; i < ours.size(); ++i) {
        worst = std::max(worst, relative_error(ours[i].detach(), theirs[i].detach()));
        identical = identical && at::equal(ours[i], theirs[i]);
      }
    }
    EXPECT_LT(worst, 1e-6) << "warmup " << warmup;
    // On the CPU the same float64 numbers meet the same float operations: the same bits.
    EXPECT_TRUE(identical) << "warmup " << warmup << ": worst relative difference " << worst;
    EXPECT_EQ(device.steps_done(), 100);
    EXPECT_DOUBLE_EQ(device.last_lr(), schedule.lr);
  }
}

// Written after 30 device steps in torch's format, the optimizer resumes under either step.
TEST(DeviceAdamW, ItsStateIsTorchsAndEitherStepResumesIt) {
  mindt::testing::seed_torch();
  const WarmupSchedule schedule{3e-4, 50};
  const std::vector<at::Tensor> params = random_parameters();
  torch::optim::AdamW optimizer(params, dt_options(schedule.lr));
  DeviceAdamW device(optimizer, schedule, 0);
  for (int64_t step = 0; step < 30; ++step) {
    set_grads(params, random_grads(params, 1.0));
    device.step();
  }
  std::stringstream saved;
  {
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    archive.save_to(saved);
  }
  auto resumed = [&](bool with_device) {
    const std::vector<at::Tensor> p = copies(params);
    torch::optim::AdamW o(p, dt_options(schedule.lr));
    torch::serialize::InputArchive archive;
    std::stringstream in(saved.str());
    archive.load_from(in);
    o.load(archive);
    EXPECT_EQ(static_cast<torch::optim::AdamWParamState&>(*o.state().at(p[0].unsafeGetTensorImpl())).step(), 30);
    DeviceAdamW d(o, schedule, 30);
    at::manual_seed(7);
    for (int64_t step = 30; step < 50; ++step) {
      set_grads(p, random_grads(p, 1.0));
      if (with_device) {
        d.step();
      } else {
        torch_step(o, schedule, step);
      }
    }
    return p;
  };
  const std::vector<at::Tensor> a = resumed(true), b = resumed(false);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "parameter " << i;
}

TEST(DeviceAdamW, RefusesWhatItDoesNotImplement) {
  const std::vector<at::Tensor> params = random_parameters();
  torch::optim::AdamW amsgrad(params, torch::optim::AdamWOptions(1e-3).amsgrad(true));
  EXPECT_THROW(DeviceAdamW(amsgrad, {}, 0), c10::Error);
}

}  // namespace
}  // namespace mindt::optim
