// The checks a config field may carry (the third argument of `v.field(...)` in a config struct's
// visit method): what the config structs need to declare their fields, without the YAML reader and
// writer (configs/schema.h), so that code including config.h does not compile yaml-cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/errors.h"

namespace mindt::config {

using mindt::ConfigError;

// A check returns "" when the value is acceptable, else what was expected ("a value > 0").
template <class T>
using Check = std::function<std::string(const T&)>;

Check<int64_t> at_least(int64_t lo);
Check<int64_t> in_range(int64_t lo, int64_t hi);
template <class T>
Check<T> positive();
Check<double> in_range(double lo, double hi);
Check<double> non_negative();
Check<std::string> one_of(std::vector<std::string> choices);
Check<std::vector<double>> non_empty();
template <>
Check<double> positive<double>();
template <>
Check<int64_t> positive<int64_t>();

}  // namespace mindt::config
