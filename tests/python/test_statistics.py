"""The sweep report's statistics against the rliable package on the same score matrices: the same
point estimates, and bootstrap intervals within bootstrap noise of rliable's."""

import numpy as np
import pytest
from rliable import library as rly
from rliable import metrics

import mindt.stats

# rliable's bootstrap calls the statistic once per replicate in Python: enough replicates to make
# its noise small beside the tolerances, few enough to keep the suite short.
IQM_REPS, POI_REPS = 10000, 2000


@pytest.fixture
def np_rng(rng):
    return np.random.default_rng(int(rng.initial_seed()))


def score_matrix(np_rng, runs, tasks, ties=False):
    scores = np_rng.normal(50, 20, (runs, tasks)) + np_rng.normal(0, 15, tasks)
    return np.round(scores / 5) * 5 if ties else scores  # rounding makes ties, as few-seed scores do


@pytest.mark.parametrize("runs, tasks", [(3, 9), (5, 4), (10, 1), (7, 3)])
def test_point_estimates_equal_rliables(np_rng, runs, tasks):
    x, y = score_matrix(np_rng, runs, tasks), score_matrix(np_rng, runs, tasks, ties=True)
    assert mindt.stats.iqm(x) == pytest.approx(metrics.aggregate_iqm(x), rel=1e-12, abs=1e-12)
    assert mindt.stats.probability_of_improvement(x, y) == pytest.approx(metrics.probability_of_improvement(x, y),
                                                                       abs=1e-12)
    yy = np.round(y)
    assert mindt.stats.probability_of_improvement(yy, yy) == 0.5
    taus = np.linspace(0, 100, 21)
    np.testing.assert_allclose(mindt.stats.performance_profile(x, taus), rly.create_performance_profile(
        {"x": x}, taus)[0]["x"], atol=1e-12)


def test_intervals_agree_with_rliables_within_bootstrap_noise(np_rng):
    x, y = score_matrix(np_rng, 5, 6), score_matrix(np_rng, 5, 6) + 5
    _, theirs = rly.get_interval_estimates({"x": x}, metrics.aggregate_iqm, reps=IQM_REPS)
    ours = mindt.stats.iqm_interval(x, replicates=IQM_REPS, seed=1)
    lower, upper = np.ravel(theirs["x"])
    assert abs(ours[0] - lower) < 0.05 * (upper - lower) and abs(ours[1] - upper) < 0.05 * (upper - lower)
    _, theirs = rly.get_interval_estimates({"x,y": (x, y)}, metrics.probability_of_improvement, reps=POI_REPS)
    ours = mindt.stats.improvement_interval(x, y, replicates=POI_REPS, seed=1)
    np.testing.assert_allclose(ours, np.ravel(theirs["x,y"]), atol=0.03)
    assert ours[0] <= mindt.stats.probability_of_improvement(x, y) <= ours[1]


def test_intervals_repeat_for_a_seed_and_narrow_with_more_runs(np_rng):
    x = score_matrix(np_rng, 4, 5)
    assert mindt.stats.iqm_interval(x, 2000, seed=7) == mindt.stats.iqm_interval(x, 2000, seed=7)
    many = np.tile(x, (25, 1))  # the same spread, 25× the runs
    few_width = np.diff(mindt.stats.iqm_interval(x, 4000))[0]
    many_width = np.diff(mindt.stats.iqm_interval(many, 4000))[0]
    assert many_width < few_width / 2


def test_bad_input_raises():
    with pytest.raises(ValueError, match="at least 2 scores"):
        mindt.stats.iqm(np.ones((1, 1)))
    with pytest.raises(ValueError, match="same"):
        mindt.stats.probability_of_improvement(np.ones((3, 2)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="num_runs, num_tasks"):
        mindt.stats.iqm(np.ones(5))
