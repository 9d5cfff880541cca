"""Makes Minari datasets with the real `minari` package for the C++ reader's tests, and prints what
Python reads back from them (minari.load_dataset), as JSON, for the test to compare with.

    minari_make.py ROOT     ROOT becomes MINARI_DATASETS_PATH; writes
      test/hopper/mixed-v0      Hopper-v5 under DataCollector, random actions, episodes that
                                terminate (the hopper falls) and episodes truncated at 40 steps
      bad/<case>-v0             copies with one thing broken (for the error tests)
"""
import json
import os
import shutil
import sys

import h5py
import numpy as np

root = sys.argv[1]
os.environ["MINARI_DATASETS_PATH"] = root
import gymnasium as gym  # noqa: E402
import minari  # noqa: E402
from minari import DataCollector  # noqa: E402

env = DataCollector(gym.make("Hopper-v5", max_episode_steps=40), record_infos=False)
rng = np.random.default_rng(0)
for episode in range(8):
    env.reset(seed=episode)
    scale = 1.0 if episode % 2 == 0 else 0.05  # wild actions fall over; gentle ones reach the limit
    while True:
        _, _, terminated, truncated, _ = env.step((scale * rng.uniform(-1, 1, 3)).astype(np.float32))
        if terminated or truncated:
            break
dataset = env.create_dataset(dataset_id="test/hopper/mixed-v0", algorithm_name="random", ref_min_score=-20.0,
                             ref_max_score=3234.3)

summary = {"episodes": [], "total_steps": int(dataset.total_steps)}
for e in dataset.iterate_episodes():
    summary["episodes"].append({
        "length": int(len(e.actions)),
        "return": float(np.sum(e.rewards, dtype=np.float64)),
        "terminated": bool(e.terminations[-1]),
        "truncated": bool(e.truncations[-1]),
        "obs_sum": float(np.sum(e.observations[:-1], dtype=np.float64)),
        "next_obs_sum": float(np.sum(e.observations[1:], dtype=np.float64)),
        "act_sum": float(np.sum(e.actions, dtype=np.float64)),
    })

good = os.path.join(root, "test/hopper/mixed-v0")


def broken(case, change):
    path = os.path.join(root, "bad", case + "-v0")
    shutil.copytree(good, path)
    change(os.path.join(path, "data"))


def edit_metadata(edit):
    def change(data):
        with open(os.path.join(data, "metadata.json")) as f:
            m = json.load(f)
        edit(m)
        with open(os.path.join(data, "metadata.json"), "w") as f:
            json.dump(m, f)
    return change


def edit_hdf5(edit):
    def change(data):
        with h5py.File(os.path.join(data, "main_data.hdf5"), "a") as f:
            edit(f)
    return change


def short_observations(f):
    obs = f["episode_2/observations"][:-1]
    del f["episode_2/observations"]
    f["episode_2/observations"] = obs


def nan_reward(f):
    r = f["episode_1/rewards"][...]
    r[3] = np.nan
    f["episode_1/rewards"][...] = r


broken("no-metadata", lambda data: os.remove(os.path.join(data, "metadata.json")))
broken("invalid-json", lambda data: open(os.path.join(data, "metadata.json"), "w").write('{"total_episodes": 8,'))
broken("missing-episode", edit_hdf5(lambda f: f.__delitem__("episode_5")))
broken("short-observations", edit_hdf5(short_observations))
broken("nan-reward", edit_hdf5(nan_reward))
broken("total-steps", edit_metadata(lambda m: m.__setitem__("total_steps", m["total_steps"] + 1)))
broken("arrow", edit_metadata(lambda m: m.__setitem__("data_format", "arrow")))
broken("discrete", edit_metadata(lambda m: m.__setitem__(
    "action_space", json.dumps({"type": "Discrete", "dtype": "int64", "n": 3}))))
broken("image", edit_metadata(lambda m: m.__setitem__(
    "observation_space", json.dumps({"type": "Box", "dtype": "uint8", "shape": [64, 64, 3], "low": 0, "high": 255}))))
print(json.dumps(summary))
