// AdamW whose per-step numbers — the step count, the warmed-up learning rate, the bias
// corrections — live in device tensors and are advanced by device operations, so one update can be
// captured in a CUDA graph and replayed with the right learning rate at every step, with nothing
// read from or written by the host. It updates the moments of a torch::optim::AdamW in place, so
// checkpoints keep torch's format and a run can switch between it and torch's own step.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace torch::optim {
class AdamW;
}

namespace mindt::optim {

struct WarmupSchedule {
  double lr = 1e-4;
  int64_t warmup_steps = 0;  // DT's: lr · min(1, (step + 1) / warmup_steps), step counted from 0
};

class DeviceAdamW {
 public:
  // Takes the optimizer's parameters, betas, eps and weight decay; its own lr is ignored for the
  // schedule's. Creates any moments the optimizer has not made yet (zeros), on their parameters'
  // devices, and starts the device step count at `steps_done`.
  DeviceAdamW(torch::optim::AdamW& optimizer, WarmupSchedule schedule, int64_t steps_done);

  // One update from the parameters' current gradients (parameters without one are skipped, as
  // torch's step skips them — the set must not change between captured replays).
  void step() {
    update_on_device();
    count_host_step();
  }
  // The two halves of step(): what a CUDA graph captures (device operations only), and the host's
  // bookkeeping that a replay does not repeat and so is called once per replay.
  void update_on_device();
  void count_host_step();

  // Steps taken, as the host count torch's state keeps (advanced with every step(), so a checkpoint
  // written at any time has the right count) — no device read.
  int64_t steps_done() const { return host_steps_; }
  // The learning rate of the last update, read from the device (a synchronisation: for logs).
  double last_lr() const;

 private:
  torch::optim::AdamW& optimizer_;
  WarmupSchedule schedule_;
  int64_t host_steps_;
  at::Tensor step_;  // float64 0-dim on the parameters' device: updates done
  at::Tensor lr_;    // float64 0-dim: the learning rate of the update in progress
};

}  // namespace mindt::optim
