// The sweep report's statistics (agents/sweep/score_statistics) for Python: what the tests compare
// with the rliable package, and what a user can call on score matrices of their own.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <utility>

#include "agents/sweep/score_statistics.h"
#include "python/csrc/bindings.h"

namespace py = pybind11;

namespace mindt::python {

void bind_statistics(py::module_& m) {
  using sweep::TaskScores;
  m.def("interquartile_mean", &sweep::interquartile_mean, py::arg("scores"),
        "IQM of scores[task][run] (the middle 50 % of all runs × tasks).");
  m.def("probability_of_improvement", &sweep::probability_of_improvement, py::arg("x"), py::arg("y"),
        "P(X > Y): per task the Mann-Whitney U over n_x·n_y, averaged over tasks.");
  m.def("performance_profile", &sweep::performance_profile, py::arg("scores"), py::arg("thresholds"),
        "Fraction of all runs × tasks scoring above each threshold.");
  m.def(
      "iqm_interval",
      [](const TaskScores& scores, int replicates, uint64_t seed, double confidence) {
        const sweep::Interval i = sweep::stratified_bootstrap_interval(
            {scores}, [](const std::vector<TaskScores>& s) { return sweep::interquartile_mean(s[0]); }, replicates,
            seed, confidence);
        return std::make_pair(i.lower, i.upper);
      },
      py::arg("scores"), py::arg("replicates") = 50000, py::arg("seed") = 0, py::arg("confidence") = 0.95,
      "Stratified-bootstrap percentile interval of the IQM.");
  m.def(
      "improvement_interval",
      [](const TaskScores& x, const TaskScores& y, int replicates, uint64_t seed, double confidence) {
        const sweep::Interval i = sweep::stratified_bootstrap_interval(
            {x, y}, [](const std::vector<TaskScores>& s) { return sweep::probability_of_improvement(s[0], s[1]); },
            replicates, seed, confidence);
        return std::make_pair(i.lower, i.upper);
      },
      py::arg("x"), py::arg("y"), py::arg("replicates") = 50000, py::arg("seed") = 0, py::arg("confidence") = 0.95,
      "Stratified-bootstrap percentile interval of P(X > Y), X and Y resampled independently.");
}

}  // namespace mindt::python
