// One function per area, each binding its part of the C++ core into mindt._core.
#pragma once
#include <pybind11/pybind11.h>

namespace mindt::python {
void bind_envs(pybind11::module_& m);
void bind_datasets(pybind11::module_& m);
void bind_policies(pybind11::module_& m);
void bind_statistics(pybind11::module_& m);
}  // namespace mindt::python
