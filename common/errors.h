// The error types users see, one per kind of bad input, so that a command can tell them apart
// from bugs: each message names the file (or --set override), the key and what was expected.
#pragma once

#include <stdexcept>

namespace mindt {

// A dataset file that is missing, unreadable, malformed or holds values it must not (NaN, …).
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A YAML config or --set override with an unknown key, a wrong type or a value out of range.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace mindt
