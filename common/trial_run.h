// Runs a piece of work once in a child process first, so that a crash inside a library — libhdf5
// reading a damaged file of HDF5's original format, whose metadata has no checksums — becomes an
// error message instead of taking the whole program down.
#pragma once

#include <functional>
#include <string>

namespace mindt {

// Forks; the child runs `work` and reports how it ended. A DataError thrown there is rethrown here
// with its message; another exception becomes std::runtime_error; a child killed by a signal is a
// DataError "<subject>: damaged: reading it crashed <library> (signal N, NAME)". Returns normally
// when the child's run succeeded (its results are thrown away: the caller then does the work itself).
// Call it before the process starts threads of its own.
void trial_run(const std::string& subject, const std::string& library, const std::function<void()>& work);

}  // namespace mindt
