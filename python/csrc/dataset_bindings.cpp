// Datasets for Python: a D4RL file or Minari dataset read by the C++ reader into numpy arrays (the
// reader's buffers handed over, not copied), with its episodes as the trainer splits them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "python/csrc/bindings.h"

namespace py = pybind11;

namespace mindt::python {
namespace {

// A numpy array that owns `values` (moved onto the heap, freed with the array).
template <typename T, typename Out = T>
py::array_t<Out> adopt(std::vector<T>&& values, std::vector<py::ssize_t> shape) {
  static_assert(sizeof(T) == sizeof(Out));
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<Out>(shape, reinterpret_cast<Out*>(owned->data()), free_when_done);
}

py::array_t<float> adopt_2d(datasets::Array2D&& a) {
  const py::ssize_t rows = a.rows, cols = a.cols;
  return adopt(std::move(a.data), {rows, cols});
}

py::dict read_dataset(const std::string& path_or_id, bool next_observations, bool infos) {
  datasets::ReadOptions options;
  options.next_observations = next_observations;
  options.infos = infos;
  options.metadata = true;
  datasets::D4rlDataset d;
  {
    py::gil_scoped_release release;
    d = datasets::read_dataset_guarded(path_or_id, options);
  }
  const std::vector<datasets::Episode> episodes = datasets::split_episodes(d.terminals, d.timeouts, d.rewards);
  const auto n = static_cast<py::ssize_t>(d.size());
  py::dict out;
  out["observations"] = adopt_2d(std::move(d.observations));
  out["actions"] = adopt_2d(std::move(d.actions));
  out["rewards"] = adopt(std::move(d.rewards), {n});
  out["terminals"] = adopt<uint8_t, bool>(std::move(d.terminals), {n});
  if (!d.timeouts.empty()) out["timeouts"] = adopt<uint8_t, bool>(std::move(d.timeouts), {n});
  if (d.next_observations.rows > 0) out["next_observations"] = adopt_2d(std::move(d.next_observations));
  for (auto& [key, values] : d.infos) out[py::str("infos/" + key)] = adopt_2d(std::move(values));

  py::dict metadata;
  for (const auto& [key, value] : d.metadata) {
    std::visit([&](const auto& v) { metadata[py::str(key)] = v; }, value);
  }
  std::vector<int64_t> starts, lengths, ends;
  std::vector<double> returns;
  for (const datasets::Episode& e : episodes) {
    starts.push_back(e.start);
    lengths.push_back(e.length);
    ends.push_back(static_cast<int64_t>(e.end));
    returns.push_back(e.episode_return);
  }
  const auto m = static_cast<py::ssize_t>(episodes.size());
  py::dict split;
  split["start"] = adopt(std::move(starts), {m});
  split["length"] = adopt(std::move(lengths), {m});
  split["end"] = adopt(std::move(ends), {m});
  split["return"] = adopt(std::move(returns), {m});

  py::dict result;
  result["arrays"] = out;
  result["metadata"] = metadata;
  result["episodes"] = split;
  return result;
}

}  // namespace

void bind_datasets(py::module_& m) {
  m.def("read_dataset", &read_dataset, py::arg("path_or_id"), py::arg("next_observations") = true,
        py::arg("infos") = false,
        "Read a D4RL file or Minari dataset: {'arrays': {...}, 'metadata': {...}, 'episodes': {...}}.");
  m.attr("EPISODE_END_NAMES") = py::make_tuple("terminated", "timeout", "unfinished");
}

}  // namespace mindt::python
