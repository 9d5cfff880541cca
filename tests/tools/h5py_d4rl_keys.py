"""Checks with h5py that a file has D4RL's v2 keys, dtypes and shapes (docs/datasets.md).

  h5py_d4rl_keys.py FILE OBS_DIM ACT_DIM NQ ROWS

Exits 1 with the first mismatch; prints the keys it checked otherwise.
"""
import sys

import h5py
import numpy as np


def main(path, obs_dim, act_dim, nq, rows):
    expect = {
        "observations": (np.float32, (rows, obs_dim)),
        "next_observations": (np.float32, (rows, obs_dim)),
        "actions": (np.float32, (rows, act_dim)),
        "rewards": (np.float32, (rows,)),
        "terminals": (np.bool_, (rows,)),
        "timeouts": (np.bool_, (rows,)),
        "infos/qpos": (np.float32, (rows, nq)),
        "infos/qvel": (np.float32, (rows, nq)),
        "infos/action_log_probs": (np.float32, (rows,)),
    }
    with h5py.File(path, "r") as f:
        for key, (dtype, shape) in expect.items():
            if key not in f:
                sys.exit(f"{path}: no {key}")
            d = f[key]
            if d.dtype != dtype or d.shape != shape:
                sys.exit(f"{path}: {key} is {d.dtype} {d.shape}, expected {np.dtype(dtype)} {shape}")
        terminals, timeouts = f["terminals"][:], f["timeouts"][:]
        if np.any(terminals & timeouts):
            sys.exit(f"{path}: a row is both terminal and timeout")
        if not np.all(np.abs(f["actions"][:]) <= 1):
            sys.exit(f"{path}: actions outside [-1, 1]")
        env = f["metadata/env"][()]
        env = env.decode() if isinstance(env, bytes) else env
        print(f"h5py: {len(expect)} D4RL keys ok; metadata/env {env}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(x) for x in sys.argv[2:6]))
