// Mean and standard deviation of a sample — returns over episodes, scores over seeds — the one
// definition every report in mindt uses: the population std (divide by n), as D4RL papers report.
#pragma once

#include <cmath>
#include <vector>

namespace mindt {

struct MeanStd {
  double mean = 0, std = 0;
};

// Both 0 for an empty sample.
inline MeanStd mean_std(const std::vector<double>& xs) {
  MeanStd s;
  if (xs.empty()) return s;
  for (double x : xs) s.mean += x / double(xs.size());
  double var = 0;
  for (double x : xs) var += (x - s.mean) * (x - s.mean) / double(xs.size());
  s.std = std::sqrt(var);
  return s;
}

}  // namespace mindt
