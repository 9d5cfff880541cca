// mindt._core: the compiled half of the Python package. Importing it registers the scan operators
// (scan_ops.cpp, through static initialisers) and binds the environments, datasets and policies.
//
// The C++ core's error types become Python exceptions that keep its messages (which name the file,
// key and what was expected): DataError, ConfigError and CheckpointError subclass ValueError;
// std::invalid_argument is ValueError and other std::exceptions RuntimeError (pybind11's own).
#include <pybind11/pybind11.h>

#include "agents/archive_fields.h"
#include "common/errors.h"
#include "kernels/selective_scan.h"
#include "python/csrc/bindings.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "mindt's C++ core: scan operators (torch.ops.mindt.*), environments, datasets, policies";
  pybind11::register_exception<mindt::DataError>(m, "DataError", PyExc_ValueError);
  pybind11::register_exception<mindt::ConfigError>(m, "ConfigError", PyExc_ValueError);
  pybind11::register_exception<mindt::CheckpointError>(m, "CheckpointError", PyExc_ValueError);
  m.attr("SELECTIVE_CHECKPOINT_TILE") = mindt::kernels::cpu::kCheckpointTile;
  m.attr("SELECTIVE_CHECKPOINT_CHUNK") = mindt::kernels::cpu::kCheckpointChunk;
  mindt::python::bind_envs(m);
  mindt::python::bind_datasets(m);
  mindt::python::bind_policies(m);
  mindt::python::bind_statistics(m);
}
