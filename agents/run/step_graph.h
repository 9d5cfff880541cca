// One training step recorded once as a CUDA graph and replayed at every later step: the step's
// hundreds of kernel launches become one, which at DT's sizes is most of a step's time on a GPU.
// The recorded work must be device work only — no reads back to the host, no new input tensors
// (inputs are copied into the same buffers before each replay) — as the sync-free step is.
//
// Built without CUDA, `available()` is false and capture() throws: the trainer asks first.
#pragma once

#include <c10/core/Device.h>

#include <functional>
#include <memory>

namespace mindt {

class StepGraph {
 public:
  StepGraph();
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;

  // Whether this build can capture graphs on `device` (a CUDA device, in a CUDA build).
  static bool available(const c10::Device& device);

  // Records `step` (which launches work but does not run it while recording) on a side stream, as
  // CUDA requires, and instantiates the graph. Throws c10::Error with CUDA's reason when the work
  // cannot be captured (a host read inside it, say); nothing of the step has then run.
  void capture(const c10::Device& device, const std::function<void()>& step);
  bool captured() const;
  // Runs the recorded step once more, on the current stream.
  void replay();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mindt
