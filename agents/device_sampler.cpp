#include "agents/device_sampler.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <mutex>
#include <stdexcept>

namespace mindt {
namespace {

at::Tensor to_device(const std::vector<float>& v, std::vector<int64_t> shape, const c10::Device& device) {
  return at::from_blob(const_cast<float*>(v.data()), shape, at::kFloat).to(device, /*non_blocking=*/false, true);
}

}  // namespace

DeviceWindowSampler::DeviceWindowSampler(const datasets::D4rlDataset& data,
                                         const std::vector<datasets::Episode>& episodes,
                                         const datasets::SamplerOptions& options, const c10::Device& device)
    : options_(options), device_(device), rows_(data.size()) {
  if (options.context_len < 1 || options.batch_size < 1) {
    throw std::invalid_argument("DeviceWindowSampler: context_len and batch_size must be at least 1");
  }
  if (!(options.reward_scale > 0)) throw std::invalid_argument("DeviceWindowSampler: reward_scale must be positive");
  if (rows_ == 0 || episodes.empty()) throw std::invalid_argument("DeviceWindowSampler: the dataset is empty");
  std::vector<int64_t> start(rows_, -1);
  for (const auto& e : episodes) std::fill_n(start.begin() + e.start, e.length, e.start);
  for (int64_t r = 0; r < rows_; ++r) {
    if (start[r] < 0)
      throw std::invalid_argument("DeviceWindowSampler: row " + std::to_string(r) + " is in no episode");
  }
  const std::vector<float> rtg = datasets::returns_to_go(data.rewards, episodes);
  std::vector<float> scaled(rtg.size());
  for (size_t i = 0; i < rtg.size(); ++i) scaled[i] = static_cast<float>(rtg[i] / options.reward_scale);

  states_ = to_device(data.observations.data, {rows_, data.obs_dim()}, device);
  actions_ = to_device(data.actions.data, {rows_, data.act_dim()}, device);
  scaled_rtg_ = to_device(scaled, {rows_}, device);
  episode_start_ = at::from_blob(start.data(), {rows_}, at::kLong).to(device, false, true);
  offsets_ = at::arange(-(options.context_len - 1), 1, at::TensorOptions(at::kLong).device(device));
  generator_ = device.is_cuda() ? at::globalContext().defaultGenerator(device).clone()
                                : at::make_generator<at::CPUGeneratorImpl>();
}

DeviceWindows DeviceWindowSampler::sample(int64_t index) const {
  const int64_t B = options_.batch_size;
  {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    generator_.set_current_seed(datasets::batch_seed(options_.seed, index));
  }
  DeviceWindows w;
  w.end_rows = at::randint(0, rows_, {B}, generator_, at::TensorOptions(at::kLong).device(device_));
  const at::Tensor rows = w.end_rows.unsqueeze(1) + offsets_;                        // [B, K], right-aligned
  const at::Tensor start = episode_start_.index_select(0, w.end_rows).unsqueeze(1);  // [B, 1]
  w.mask = rows >= start;                                                            // inside the end row's episode
  const at::Tensor safe = at::where(w.mask, rows, w.end_rows.unsqueeze(1)).reshape({-1});  // no reads before row 0
  const at::Tensor keep = w.mask.unsqueeze(-1);
  const int64_t K = options_.context_len;
  w.states = at::where(keep, states_.index_select(0, safe).view({B, K, -1}), 0.0f);
  w.actions = at::where(keep, actions_.index_select(0, safe).view({B, K, -1}), 0.0f);
  w.returns_to_go = at::where(w.mask, scaled_rtg_.index_select(0, safe).view({B, K}), 0.0f);
  w.timesteps = at::where(w.mask, rows - start, 0);
  return w;
}

}  // namespace mindt
