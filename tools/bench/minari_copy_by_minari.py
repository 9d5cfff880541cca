#!/usr/bin/env python3
"""Writes a D4RL file's episodes as a Minari dataset through the `minari` package itself.

For `mindt bench data`: a dataset laid out exactly as Minari writes one (its chunking, float64
observations and rewards), to time beside the D4RL file it came from. The unfinished tail (no
terminal or timeout) is left out, as Minari would never have recorded it as an episode.

usage: MINARI_DATASETS_PATH=DIR minari_copy_by_minari.py D4RL_FILE DATASET_ID GYMNASIUM_ENV_ID
"""
import sys

import h5py
import minari
import numpy as np
from minari.data_collector import EpisodeBuffer


def main(source, dataset_id, env_id):
    with h5py.File(source, "r") as f:
        obs, actions, rewards = f["observations"][:], f["actions"][:], f["rewards"][:]
        next_obs = f["next_observations"][:]
        ends_here = f["terminals"][:].astype(bool) | f["timeouts"][:].astype(bool)
        terminals = f["terminals"][:].astype(bool)
        timeouts = f["timeouts"][:].astype(bool)
    buffers, start = [], 0
    for end in np.flatnonzero(ends_here):
        rows = slice(start, end + 1)
        buffers.append(EpisodeBuffer(
            observations=np.concatenate([obs[rows], next_obs[end:end + 1]]).astype(np.float64),
            actions=actions[rows], rewards=rewards[rows].astype(np.float64),
            terminations=terminals[rows], truncations=timeouts[rows], infos={}))
        start = end + 1
    minari.create_dataset_from_buffers(dataset_id, buffers, env=env_id, algorithm_name="copied from " + source)
    print(f"{dataset_id}: {len(buffers)} episodes, {start} steps")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
