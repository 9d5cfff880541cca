"""Loads a Minari dataset with the real `minari` package and prints, as JSON, what it holds: the
episode count, total steps, env id, and per episode its length, return (float64 sum), flags at the
last step, and observation / action sums — for test_data_make to compare with mindt's own numbers.

    minari_load.py ROOT DATASET_ID
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ["MINARI_DATASETS_PATH"] = sys.argv[1]
import minari  # noqa: E402
import numpy as np  # noqa: E402

dataset = minari.load_dataset(sys.argv[2])
episodes = []
for e in dataset.iterate_episodes():
    episodes.append({
        "length": int(len(e.actions)),
        "return": float(np.sum(e.rewards, dtype=np.float64)),
        "terminated": bool(e.terminations[-1]),
        "truncated": bool(e.truncations[-1]),
        "obs_sum": float(np.sum(e.observations[:-1], dtype=np.float64)),
        "final_obs_sum": float(np.sum(e.observations[-1], dtype=np.float64)),
        "act_sum": float(np.sum(e.actions, dtype=np.float64)),
    })
print(json.dumps({"total_episodes": int(dataset.total_episodes), "total_steps": int(dataset.total_steps),
                  "env": dataset.env_spec.id, "episodes": episodes}))
