#include "agents/learner.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <functional>
#include <iostream>

#include "agents/archive_file.h"
#include "agents/checkpoint.h"
#include "agents/device_sampler.h"
#include "agents/optim/clip_grad.h"
#include "agents/optim/device_adamw.h"
#include "agents/optim/learning_rate.h"
#include "agents/run/device.h"
#include "agents/run/step_graph.h"
#include "datasets/window_sampler.h"

namespace mindt {
namespace {

using Batch = Learner::Windows;

Batch to_tensors(datasets::WindowBatch& w, const c10::Device& device) {
  const int64_t B = w.batch, K = w.context;
  auto wrap = [&](void* data, const std::vector<int64_t>& shape, at::ScalarType type) {
    return at::from_blob(data, shape, at::TensorOptions().dtype(type))
        .to(device, /*non_blocking=*/false, /*copy=*/true);
  };
  return {wrap(w.states.data(), {B, K, w.state_dim}, at::kFloat), wrap(w.actions.data(), {B, K, w.act_dim}, at::kFloat),
          wrap(w.returns_to_go.data(), {B, K}, at::kFloat), wrap(w.timesteps.data(), {B, K}, at::kLong),
          wrap(w.mask.data(), {B, K}, at::kByte).to(at::kBool)};
}

}  // namespace

// DT's warm-up: the learning rate rises linearly over the first warmup_steps steps.
double learning_rate(const config::TrainConfig& t, int64_t step) {
  if (t.warmup_steps <= 0) return t.lr;
  return t.lr * std::min(1.0, double(step + 1) / double(t.warmup_steps));
}

// The episodes, every one short enough that its windows' timesteps (0 … length − 1) fit the
// timestep embedding: checked here once instead of on the device at every step.
std::vector<datasets::Episode> checked_episodes(const datasets::D4rlDataset& data, const config::Config& config) {
  std::vector<datasets::Episode> episodes = datasets::split_episodes(data.terminals, data.timeouts, data.rewards);
  for (const auto& e : episodes) {
    if (e.length > config.model.max_ep_len) {
      throw std::runtime_error(config.data.path + ": the episode at row " + std::to_string(e.start) + " has " +
                               std::to_string(e.length) + " steps, more than the model.max_ep_len (" +
                               std::to_string(config.model.max_ep_len) +
                               ") timesteps the model embeds; raise model.max_ep_len");
    }
  }
  return episodes;
}

// train.cuda_graph: auto uses a graph where one can be captured (a CUDA device in a CUDA build);
// on insists, and is refused up front where it cannot be had.
bool wants_cuda_graph(const config::Config& config, const c10::Device& device) {
  const std::string& mode = config.train.cuda_graph;
  if (mode == "off") return false;
  const bool available = StepGraph::available(device);
  if (mode == "on" && !available) {
    throw std::runtime_error("train.cuda_graph: on needs a CUDA device (the run's device is " + device.str() +
                             (device.is_cuda() ? ", but this mindt was built without CUDA" : "") +
                             "); use auto or off");
  }
  return available;
}

struct Learner::Impl {
  // `episodes`: the dataset's, checked by checked_episodes.
  Impl(const config::Config& config, const datasets::D4rlDataset& data, std::vector<datasets::Episode> episodes,
       const c10::Device& device)
      : config(config), act_dim(data.act_dim()), model(nullptr), device(device) {
    if (samples_on_device(config, device)) {
      device_sampler = std::make_unique<DeviceWindowSampler>(data, episodes, sampling(config), device);
    } else {
      host_sampler = std::make_unique<datasets::WindowSampler>(data, std::move(episodes), sampling(config));
    }
    const datasets::StateStatistics stats = datasets::state_statistics(data.observations);
    at::manual_seed(config.seed);
    model = DecisionModel(config.model, data.obs_dim(), data.act_dim());
    model->set_state_normalization(at::tensor(stats.mean), at::tensor(stats.std));
    model->set_timestep_checks(false);  // checked_episodes did it for every window at once
    model->to(device);
    optimizer = std::make_unique<torch::optim::AdamW>(model->parameters(),
                                                      torch::optim::AdamWOptions(config.train.lr)
                                                          .weight_decay(config.train.weight_decay)
                                                          .betas({config.train.beta1, config.train.beta2}));
    model->train();
    use_graph = wants_cuda_graph(config, device);
  }

  static datasets::SamplerOptions sampling(const config::Config& config) {
    datasets::SamplerOptions o;
    o.context_len = config.model.context_len;
    o.batch_size = config.train.batch_size;
    o.reward_scale = config.data.reward_scale;
    o.seed = static_cast<uint64_t>(config.seed);
    return o;
  }

  static bool samples_on_device(const config::Config& config, const c10::Device& device) {
    return config.train.sampler == "device" || (config.train.sampler == "auto" && device.is_cuda());
  }

  // The next batch of windows, on the training device.
  Batch next_batch() {
    if (device_sampler) {
      DeviceWindows w = device_sampler->next();
      return {w.states, w.actions, w.returns_to_go, w.timesteps, w.mask};
    }
    datasets::WindowBatch window = host_sampler->next();
    return to_tensors(window, device);
  }

  // One step of AdamW on one batch of windows; `step` counts the steps done before it. Nothing in
  // it reads the device back: the loss stays a tensor until a log line or the progress line asks.
  void train_step(int64_t step) {
    const Batch b = next_batch();
    lr_ = learning_rate(config.train, step);
    if (use_graph) {
      graph_step(b, step);
      return;
    }
    optim::set_learning_rate(*optimizer, lr_);
    optimizer->zero_grad();
    loss_ = loss_and_gradients(b);
    optimizer->step();
  }

  // Forward, loss, backward and clipping: the part of a step both optimizers share.
  at::Tensor loss_and_gradients(const Batch& b) {
    const at::Tensor loss = masked_loss(model->forward(b.states, b.actions, b.returns, b.timesteps, b.mask), b);
    loss.backward();
    clip();
    return loss.detach();
  }

  // DT's loss: the MSE of the predicted actions on the real (unpadded) steps.
  at::Tensor masked_loss(const at::Tensor& predicted, const Batch& b) const {
    const at::Tensor weight = b.mask.unsqueeze(-1).to(at::kFloat);
    return ((predicted - b.actions).pow(2) * weight).sum() / (weight.sum() * act_dim);
  }

  void clip() {
    if (config.train.grad_clip > 0) optim::clip_grad_norm(model->parameters(), config.train.grad_clip);
  }

  // The same as device operations only, for a CUDA graph a seed pack records: clipping and
  // DeviceAdamW, whose learning rate and step count live on the device. `step`: the steps done
  // before the first update (the DeviceAdamW starts counting there).
  void update_on_device(int64_t step) {
    if (!device_adamw) device_adamw = std::make_unique<optim::DeviceAdamW>(*optimizer, schedule(), step);
    clip();
    device_adamw->update_on_device();
  }
  // The host's part of each such update (once per replay): the step count and what logs read.
  void count_device_update(int64_t step, const at::Tensor& loss) {
    device_adamw->count_host_step();
    lr_ = learning_rate(config.train, step);
    loss_ = loss;
  }

  // A step whose gradients someone else computed (a seed pack's batched forward): clipping and AdamW.
  void update(int64_t step, const at::Tensor& loss) {
    lr_ = learning_rate(config.train, step);
    optim::set_learning_rate(*optimizer, lr_);
    clip();
    optimizer->step();
    loss_ = loss.detach();
  }

  // The CUDA-graph step: the batch is copied into fixed device buffers, a few steps run eagerly
  // (cuBLAS and the allocator settle), then one step is recorded and every later one replays it;
  // AdamW's learning rate and step count live on the device (optim::DeviceAdamW).
  void graph_step(const Batch& host, int64_t step) {
    if (!inputs.states.defined()) {
      inputs = {at::empty_like(host.states, device), at::empty_like(host.actions, device),
                at::empty_like(host.returns, device), at::empty_like(host.timesteps, device),
                at::empty_like(host.mask, device)};
    }
    for (auto [to, from] : {std::pair{inputs.states, host.states},
                            {inputs.actions, host.actions},
                            {inputs.returns, host.returns},
                            {inputs.timesteps, host.timesteps},
                            {inputs.mask, host.mask}}) {
      to.copy_(from, /*non_blocking=*/true);
    }
    if (!device_adamw) device_adamw = std::make_unique<optim::DeviceAdamW>(*optimizer, schedule(), step);
    // loss_ is the recorded step's output tensor, which every replay refills.
    auto body = [&] {
      optimizer->zero_grad();
      loss_ = loss_and_gradients(inputs);
      device_adamw->update_on_device();
    };
    constexpr int kEagerStepsFirst = 3;
    if (!graph.captured() && eager_steps_done < kEagerStepsFirst) {
      body();
      ++eager_steps_done;
    } else {
      if (!graph.captured()) capture(body);
      if (use_graph) {
        graph.replay();
      } else {
        body();  // a failed capture (auto) left use_graph false: this step eagerly, the next ones torch's
      }
    }
    device_adamw->count_host_step();
  }

  void capture(const std::function<void()>& body) {
    try {
      graph.capture(device, body);  // records the step; it runs at the first replay
    } catch (const c10::Error& e) {
      if (config.train.cuda_graph == "on") {
        throw std::runtime_error(std::string("train.cuda_graph: on, but the step could not be captured as a CUDA "
                                             "graph: ") +
                                 e.what_without_backtrace());
      }
      std::cerr << "[train] the step could not be captured as a CUDA graph (" << e.what_without_backtrace()
                << "); training without one (train.cuda_graph: off skips the attempt)\n";
      use_graph = false;
    }
  }

  optim::WarmupSchedule schedule() const { return {config.train.lr, config.train.warmup_steps}; }

  // The last step's loss (read from the device: a synchronisation) and learning rate.
  double last_loss() const { return loss_.defined() ? loss_.item<double>() : 0.0; }
  double last_lr() const { return lr_; }

  void save(const std::string& path, int64_t step) {
    torch::serialize::OutputArchive archive;
    write_model(archive, model, config);
    archive.write("trainer/step", c10::IValue(step));
    archive.write("trainer/rng_cpu", cpu_rng_state(), /*is_buffer=*/true);
    if (device.is_cuda()) archive.write("trainer/rng_cuda", cuda_rng_state(device), /*is_buffer=*/true);
    torch::serialize::OutputArchive optimizer_archive(archive.compilation_unit());
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
    save_archive(archive, path);
  }

  // Restores the model, optimizer, generators and sampler from a checkpoint; returns its step.
  int64_t restore(const std::string& path, const c10::Device& on) {
    torch::serialize::InputArchive archive;
    open_checkpoint(path, archive, on);
    read_weights(archive, path, model);
    c10::IValue stored_step;
    archive.read("trainer/step", stored_step);
    const int64_t step = stored_step.toInt();
    at::Tensor rng;
    archive.read("trainer/rng_cpu", rng, /*is_buffer=*/true);
    restore_cpu_rng(rng);
    // A run moved between CPU and GPU resumes with its weights and moments, not its dropout draws.
    at::Tensor cuda_rng;
    if (on.is_cuda() && archive.try_read("trainer/rng_cuda", cuda_rng, /*is_buffer=*/true))
      restore_cuda_rng(on, cuda_rng);
    torch::serialize::InputArchive optimizer_archive;
    archive.read("optimizer", optimizer_archive);
    optimizer->load(optimizer_archive);
    if (device_sampler) {
      device_sampler->seek(step);
    } else {
      host_sampler->seek(step);
    }
    return step;
  }

  const config::Config& config;
  const int64_t act_dim;
  // Exactly one of the two samplers serves the run (train.sampler).
  std::unique_ptr<datasets::WindowSampler> host_sampler;
  std::unique_ptr<DeviceWindowSampler> device_sampler;
  DecisionModel model;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  const c10::Device device;
  bool use_graph = false;

 private:
  at::Tensor loss_;
  double lr_ = 0;
  // The CUDA-graph step's state: its input buffers, optimizer and graph.
  Batch inputs;
  std::unique_ptr<optim::DeviceAdamW> device_adamw;
  StepGraph graph;
  int eager_steps_done = 0;
};

Learner::Learner(const config::Config& config, const datasets::D4rlDataset& data,
                 std::vector<datasets::Episode> episodes, const c10::Device& device)
    : impl_(std::make_unique<Impl>(config, data, std::move(episodes), device)) {}
Learner::~Learner() = default;
void Learner::train_step(int64_t step) { impl_->train_step(step); }
Learner::Windows Learner::next_windows() { return impl_->next_batch(); }
at::Tensor Learner::loss(const at::Tensor& predicted, const Windows& windows) const {
  return impl_->masked_loss(predicted, windows);
}
void Learner::zero_grad() { impl_->optimizer->zero_grad(); }
void Learner::update(int64_t step, const at::Tensor& loss) { impl_->update(step, loss); }
void Learner::update_on_device(int64_t step) { impl_->update_on_device(step); }
void Learner::count_device_update(int64_t step, const at::Tensor& loss) { impl_->count_device_update(step, loss); }
double Learner::last_loss() const { return impl_->last_loss(); }
double Learner::last_lr() const { return impl_->last_lr(); }
bool Learner::uses_cuda_graph() const { return impl_->use_graph; }
void Learner::save(const std::string& path, int64_t step) { impl_->save(path, step); }
int64_t Learner::restore(const std::string& path, const c10::Device& on) { return impl_->restore(path, on); }
DecisionModel& Learner::model() { return impl_->model; }

}  // namespace mindt
