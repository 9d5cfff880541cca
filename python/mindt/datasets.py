"""Offline datasets through mindt's C++ reader: a D4RL HDF5 file or a Minari dataset (a folder or
an id under ``$MINARI_DATASETS_PATH``, e.g. ``"mujoco/hopper/medium-v0"``).

    data = mindt.datasets.load("data/hopper-medium-v2.hdf5")
    data["observations"]           # float32 [N, obs_dim], as d4rl's get_dataset()
    data.episodes[0].slice          # rows of the first episode
    data.episode(0)["rewards"]      # its rewards

The arrays are the reader's own buffers (no copy). Bad input raises :class:`mindt.DataError`
(a ``ValueError``) with the reader's message, which names the file and key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from mindt import _core

__all__ = ["load", "Dataset", "Episode"]


@dataclass(frozen=True)
class Episode:
    """One episode's rows ``[start, start + length)``; ``end`` is how it ended:
    ``"terminated"``, ``"timeout"`` or ``"unfinished"`` (the data stops mid-episode)."""

    start: int
    length: int
    end: str
    episode_return: float

    @property
    def slice(self) -> slice:
        return slice(self.start, self.start + self.length)


class Dataset(dict):
    """The D4RL dict of numpy arrays (``observations``, ``actions``, ``rewards``, ``terminals``,
    ``timeouts``, ``next_observations``, ``infos/…``) with the file's metadata and its episodes,
    split on ``terminals | timeouts`` exactly as mindt's trainer splits them."""

    def __init__(self, source: str, arrays: dict, metadata: dict, episodes: list[Episode]):
        super().__init__(arrays)
        self.source = source
        self.metadata = metadata
        self.episodes = episodes

    def episode(self, index: int) -> dict[str, np.ndarray]:
        """Episode ``index``'s rows of every array."""
        rows = self.episodes[index].slice
        return {key: value[rows] for key, value in self.items()}

    def iter_episodes(self) -> Iterator[dict[str, np.ndarray]]:
        for i in range(len(self.episodes)):
            yield self.episode(i)

    def __repr__(self) -> str:
        n = len(self["rewards"])
        return f"Dataset({self.source!r}: {n} transitions, {len(self.episodes)} episodes, keys {sorted(self)})"


def load(path_or_id: str | os.PathLike, *, next_observations: bool = True, infos: bool = False) -> Dataset:
    """Read a D4RL file or Minari dataset. ``infos=True`` adds the ``infos/…`` arrays (qpos, qvel, …)."""
    source = os.fspath(path_or_id)
    raw = _core.read_dataset(source, next_observations, infos)
    split = raw["episodes"]
    names = _core.EPISODE_END_NAMES
    episodes = [
        Episode(int(s), int(n), names[int(e)], float(r))
        for s, n, e, r in zip(split["start"], split["length"], split["end"], split["return"])
    ]
    return Dataset(source, raw["arrays"], raw["metadata"], episodes)
