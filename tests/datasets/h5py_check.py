"""h5py's view of D4RL files, for test_d4rl_io.

  h5py_check.py read FILE    check a file mindt wrote: D4RL's keys, dtypes, shapes and values
  h5py_check.py write FILE   write a small file the way D4RL's scripts did (float64, bool, strings)
"""
import sys

import h5py
import numpy as np


def check_ours(path):
    with h5py.File(path, "r") as f:
        # full_dataset() in test_d4rl_io.cpp: 9 rows, obs_dim 5, act_dim 2.
        expect = {
            "observations": (np.float32, (9, 5)),
            "actions": (np.float32, (9, 2)),
            "rewards": (np.float32, (9,)),
            "terminals": (np.bool_, (9,)),
            "timeouts": (np.bool_, (9,)),
            "next_observations": (np.float32, (9, 5)),
            "infos/qpos": (np.float32, (9, 6)),
            "infos/qvel": (np.float32, (9, 6)),
            "infos/action_log_probs": (np.float32, (9,)),
        }
        for key, (dtype, shape) in expect.items():
            d = f[key]
            assert d.dtype == dtype, f"{key}: dtype {d.dtype}, expected {dtype}"
            assert d.shape == shape, f"{key}: shape {d.shape}, expected {shape}"
            assert d.compression == "gzip", f"{key}: not gzip-compressed"
        obs = f["observations"][:]
        assert obs[4, 2] == np.float32(4.5), obs[4]
        assert np.array_equal(f["next_observations"][:], obs + 1)
        assert f["terminals"][:].tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0]
        assert f["timeouts"][:].tolist() == [0, 0, 0, 0, 0, 0, 1, 0, 0]
        assert f["metadata/algorithm"][()].decode() == "SAC"
        assert f["metadata/policy/return"][()] == 1234.5
        assert f["metadata/seed"][()] == 7
        # As d4rl's get_dataset() would use it:
        assert np.all(f["infos/qpos"][:] == 0.5)


def write_like_d4rl(path):
    n = 7
    with h5py.File(path, "w") as f:
        obs = np.arange(n)[:, None] + np.arange(4)[None, :] / 10.0
        f.create_dataset("observations", data=obs, compression="gzip")
        f.create_dataset("next_observations", data=obs + 1, compression="gzip")
        f.create_dataset("actions", data=np.zeros((n, 2)), compression="gzip")
        f.create_dataset("rewards", data=np.arange(n, dtype=np.float64)[:, None], compression="gzip")
        term = np.zeros(n, dtype=bool)
        term[2] = True
        tout = np.zeros(n, dtype=bool)
        tout[5] = True
        f.create_dataset("terminals", data=term, compression="gzip")
        f.create_dataset("timeouts", data=tout, compression="gzip")
        f.create_dataset("infos/qpos", data=np.ones((n, 5)), compression="gzip")
        f.create_dataset("infos/action_log_probs", data=np.ones(n), compression="gzip")
        f["metadata/algorithm"] = "SAC"
        f["metadata/fixed_name"] = np.bytes_("hopper")
        f["metadata/iteration"] = np.int64(3)
        f["metadata/policy/return"] = 1500.25
        f["metadata/policy/fc0/weight"] = np.ones((3, 4), dtype=np.float32)


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    {"read": check_ours, "write": write_like_d4rl}[mode](path)
