#include "agents/sweep/score_statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace mindt::sweep {
namespace {

std::vector<double> pooled(const TaskScores& scores) {
  std::vector<double> all;
  for (const auto& task : scores) all.insert(all.end(), task.begin(), task.end());
  return all;
}

// One task's P(X > Y): pairs where x wins, plus half the ties, over all pairs.
double task_improvement(const std::vector<double>& x, const std::vector<double>& y) {
  double wins = 0;
  for (double a : x) {
    for (double b : y) wins += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
  }
  return wins / (double(x.size()) * double(y.size()));
}

}  // namespace

double interquartile_mean(const TaskScores& scores) {
  std::vector<double> all = pooled(scores);
  const size_t cut = all.size() / 4;  // ⌊0.25·n⌋, as scipy's trim_mean
  if (all.size() < 2 || 2 * cut >= all.size()) {
    throw std::invalid_argument("interquartile_mean: need at least 2 scores, got " + std::to_string(all.size()));
  }
  std::sort(all.begin(), all.end());
  const double sum = std::accumulate(all.begin() + cut, all.end() - cut, 0.0);
  return sum / double(all.size() - 2 * cut);
}

double probability_of_improvement(const TaskScores& x, const TaskScores& y) {
  if (x.size() != y.size() || x.empty()) {
    throw std::invalid_argument("probability_of_improvement: X has " + std::to_string(x.size()) + " tasks, Y " +
                                std::to_string(y.size()) + " (need the same, at least one)");
  }
  double total = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    if (x[t].empty() || y[t].empty()) {
      throw std::invalid_argument("probability_of_improvement: task " + std::to_string(t) + " has no runs");
    }
    total += task_improvement(x[t], y[t]);
  }
  return total / double(x.size());
}

std::vector<double> performance_profile(const TaskScores& scores, const std::vector<double>& thresholds) {
  const std::vector<double> all = pooled(scores);
  if (all.empty()) throw std::invalid_argument("performance_profile: no scores");
  std::vector<double> fractions;
  for (double tau : thresholds) {
    const auto above = std::count_if(all.begin(), all.end(), [&](double s) { return s > tau; });
    fractions.push_back(double(above) / double(all.size()));
  }
  return fractions;
}

double percentile(std::vector<double> xs, double p) {
  if (xs.empty()) throw std::invalid_argument("percentile: no values");
  std::sort(xs.begin(), xs.end());
  const double position = p / 100.0 * double(xs.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, xs.size() - 1);
  return xs[below] + (position - double(below)) * (xs[above] - xs[below]);
}

Interval stratified_bootstrap_interval(const std::vector<TaskScores>& inputs,
                                       const std::function<double(const std::vector<TaskScores>&)>& statistic,
                                       int replicates, uint64_t seed, double confidence) {
  if (replicates < 2) throw std::invalid_argument("stratified_bootstrap_interval: need at least 2 replicates");
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument("stratified_bootstrap_interval: confidence must be in (0, 1)");
  }
  std::mt19937_64 rng(seed);
  std::vector<TaskScores> resampled = inputs;
  std::vector<double> values;
  values.reserve(static_cast<size_t>(replicates));
  for (int r = 0; r < replicates; ++r) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      for (size_t t = 0; t < inputs[i].size(); ++t) {
        const auto& runs = inputs[i][t];
        if (runs.empty()) continue;
        std::uniform_int_distribution<size_t> pick(0, runs.size() - 1);
        for (auto& value : resampled[i][t]) value = runs[pick(rng)];
      }
    }
    values.push_back(statistic(resampled));
  }
  const double tail = 100.0 * (1.0 - confidence) / 2.0;
  return {percentile(values, tail), percentile(values, 100.0 - tail)};
}

}  // namespace mindt::sweep
