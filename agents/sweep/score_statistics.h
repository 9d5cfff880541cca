// The statistics rliable (Agarwal et al. 2021, "Deep RL at the Edge of the Statistical Precipice")
// recommends for comparing RL algorithms over few seeds, computed as the `rliable` package does:
//
//   interquartile mean (IQM)   the mean of the middle 50 % of all runs × tasks (scipy's trim_mean
//                              at 0.25: ⌊n/4⌋ scores cut from each end of the sorted pool)
//   probability of improvement P(X > Y), per task the Mann–Whitney U statistic over all pairs of
//                              runs (ties count ½) divided by n_X·n_Y, averaged over tasks
//   stratified bootstrap CIs   runs resampled with replacement within each task (each algorithm
//                              independently for P(X > Y)), the statistic recomputed per replicate,
//                              the percentile interval (numpy's linear interpolation)
//   performance profile        the fraction of all runs × tasks scoring above τ
//
// Scores are indexed [task][run]: tasks are a sweep's env-dataset rows, runs its seeds; tasks may
// have different numbers of runs.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace mindt::sweep {

using TaskScores = std::vector<std::vector<double>>;  // [task][run]

struct Interval {
  double lower = 0, upper = 0;
};

// Throws std::invalid_argument when there are fewer than 2 scores in all (nothing is left to average).
double interquartile_mean(const TaskScores& scores);

// x and y must have the same tasks (same count); each task needs at least one run on both sides.
double probability_of_improvement(const TaskScores& x, const TaskScores& y);

// Fraction of all runs × tasks with score > tau, for each tau.
std::vector<double> performance_profile(const TaskScores& scores, const std::vector<double>& thresholds);

// The `confidence` percentile interval of statistic(resampled inputs) over `replicates` stratified
// bootstrap resamples (each input resampled independently, runs within each task), from a
// generator seeded with `seed` so that a report is the same every time it is printed.
Interval stratified_bootstrap_interval(const std::vector<TaskScores>& inputs,
                                       const std::function<double(const std::vector<TaskScores>&)>& statistic,
                                       int replicates, uint64_t seed, double confidence = 0.95);

// The p-th percentile (0–100) of xs with numpy's default linear interpolation.
double percentile(std::vector<double> xs, double p);

}  // namespace mindt::sweep
