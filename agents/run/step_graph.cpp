#include "agents/run/step_graph.h"

#include <c10/util/Exception.h>

#ifdef MINDT_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace mindt {

#ifdef MINDT_WITH_CUDA
struct StepGraph::Impl {
  std::unique_ptr<at::cuda::CUDAGraph> graph;  // made at capture: its constructor needs a CUDA device
  bool captured = false;
};

bool StepGraph::available(const c10::Device& device) { return device.is_cuda(); }

void StepGraph::capture(const c10::Device& device, const std::function<void()>& step) {
  TORCH_CHECK(device.is_cuda(), "StepGraph: CUDA graphs need a CUDA device, got ", device);
  TORCH_CHECK(!impl_->captured, "StepGraph: already captured");
  const c10::cuda::CUDAGuard on_device(device);
  const c10::cuda::CUDAStream main = c10::cuda::getCurrentCUDAStream();
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
  // The side stream starts after everything queued so far and the main stream waits for it.
  auto wait = [](const c10::cuda::CUDAStream& waiting, const c10::cuda::CUDAStream& on) {
    at::cuda::CUDAEvent done;
    done.record(on);
    done.block(waiting);
  };
  wait(side, main);
  impl_->graph = std::make_unique<at::cuda::CUDAGraph>();
  {
    const c10::cuda::CUDAStreamGuard on_side(side);
    impl_->graph->capture_begin();
    try {
      step();
    } catch (...) {
      try {
        impl_->graph->capture_end();  // ends the stream's capture; fails for an invalidated one
      } catch (...) {}
      impl_->graph.reset();
      throw;
    }
    impl_->graph->capture_end();
  }
  wait(main, side);
  impl_->captured = true;
}

void StepGraph::replay() {
  TORCH_CHECK(impl_->captured, "StepGraph: replay before capture");
  impl_->graph->replay();
}
#else
struct StepGraph::Impl {
  bool captured = false;
};

bool StepGraph::available(const c10::Device&) { return false; }

void StepGraph::capture(const c10::Device& device, const std::function<void()>&) {
  TORCH_CHECK(false, "StepGraph: this mindt was built without CUDA, so it cannot capture a graph on ", device);
}

void StepGraph::replay() { TORCH_CHECK(false, "StepGraph: built without CUDA"); }
#endif

StepGraph::StepGraph() : impl_(std::make_unique<Impl>()) {}
StepGraph::~StepGraph() = default;
bool StepGraph::captured() const { return impl_->captured; }

}  // namespace mindt
