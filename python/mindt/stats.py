"""The statistics of ``mindt sweep --report`` (rliable's recommendations for few-seed RL
comparisons), computed by the C++ core.

Score matrices are in rliable's orientation: ``scores[run, task]`` (numpy, shape
``(num_runs, num_tasks)``), normalized scores.

- :func:`iqm` — interquartile mean over all runs × tasks;
- :func:`probability_of_improvement` — P(X > Y), averaged over tasks;
- :func:`iqm_interval`, :func:`improvement_interval` — 95 % stratified-bootstrap percentile CIs;
- :func:`performance_profile` — fraction of runs × tasks above each threshold.
"""

from __future__ import annotations

import numpy as np

from mindt import _core

__all__ = ["iqm", "probability_of_improvement", "iqm_interval", "improvement_interval", "performance_profile"]


def _by_task(scores) -> list[list[float]]:
    array = np.asarray(scores, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"scores must be a (num_runs, num_tasks) matrix, got shape {array.shape}")
    return array.T.tolist()


def iqm(scores) -> float:
    return _core.interquartile_mean(_by_task(scores))


def probability_of_improvement(scores_x, scores_y) -> float:
    return _core.probability_of_improvement(_by_task(scores_x), _by_task(scores_y))


def iqm_interval(scores, replicates: int = 50000, seed: int = 0, confidence: float = 0.95) -> tuple[float, float]:
    return tuple(_core.iqm_interval(_by_task(scores), replicates, seed, confidence))


def improvement_interval(scores_x, scores_y, replicates: int = 50000, seed: int = 0,
                         confidence: float = 0.95) -> tuple[float, float]:
    return tuple(_core.improvement_interval(_by_task(scores_x), _by_task(scores_y), replicates, seed, confidence))


def performance_profile(scores, thresholds) -> np.ndarray:
    return np.asarray(_core.performance_profile(_by_task(scores), list(map(float, thresholds))))
