"""mindt.datasets: what the C++ reader loads equals h5py's reading of the same file; episodes split
as on terminals | timeouts; bad files raise mindt.DataError naming file and key."""

import os
import subprocess

import h5py
import numpy as np
import pytest

import mindt
import mindt.datasets


def write_d4rl(path, np_rng, lengths=(30, 45, 12), ends=("terminal", "timeout", "unfinished"), obs_dim=11, act_dim=3,
               nan_at=None):
    n = sum(lengths)
    terminals, timeouts = np.zeros(n, bool), np.zeros(n, bool)
    row = 0
    for length, end in zip(lengths, ends):
        row += length
        if end == "terminal":
            terminals[row - 1] = True
        elif end == "timeout":
            timeouts[row - 1] = True
    observations = np_rng.normal(size=(n, obs_dim))  # float64 on disk: the reader keeps float32
    if nan_at is not None:
        observations[nan_at] = np.nan
    with h5py.File(path, "w") as f:
        f["observations"] = observations
        f["actions"] = np_rng.uniform(-1, 1, (n, act_dim)).astype(np.float32)
        f["rewards"] = np_rng.normal(size=n).astype(np.float32)
        f["terminals"] = terminals
        f["timeouts"] = timeouts
        f["next_observations"] = np_rng.normal(size=(n, obs_dim)).astype(np.float32)
        f["infos/qpos"] = np_rng.normal(size=(n, 6)).astype(np.float32)
        f["metadata/algorithm"] = "SAC"
        f["metadata/policy/return"] = 123.5
    return n


@pytest.fixture
def np_rng(rng):
    return np.random.default_rng(int(rng.initial_seed()))


def test_arrays_equal_h5pys_reading(tmp_path, np_rng):
    path = tmp_path / "data.hdf5"
    n = write_d4rl(path, np_rng)
    data = mindt.datasets.load(path, infos=True)
    with h5py.File(path, "r") as f:
        for key in ["observations", "actions", "rewards", "next_observations", "infos/qpos"]:
            expected = f[key][()].astype(np.float32)
            assert data[key].dtype == np.float32 and data[key].shape == expected.shape, key
            np.testing.assert_array_equal(data[key], expected, err_msg=key)
        for key in ["terminals", "timeouts"]:
            assert data[key].dtype == bool
            np.testing.assert_array_equal(data[key], f[key][()], err_msg=key)
    assert data.metadata["algorithm"] == "SAC" and data.metadata["policy/return"] == 123.5
    assert len(data["rewards"]) == n


def test_episodes_split_on_terminals_and_timeouts(tmp_path, np_rng):
    path = tmp_path / "data.hdf5"
    write_d4rl(path, np_rng, lengths=(30, 45, 12), ends=("terminal", "timeout", "unfinished"))
    data = mindt.datasets.load(path)
    assert [(e.start, e.length, e.end) for e in data.episodes] == [
        (0, 30, "terminated"), (30, 45, "timeout"), (75, 12, "unfinished")]
    with h5py.File(path, "r") as f:
        rewards = f["rewards"][()]
    for e in data.episodes:
        assert e.episode_return == pytest.approx(float(rewards[e.slice].astype(np.float64).sum()), rel=1e-12)
    np.testing.assert_array_equal(data.episode(1)["actions"], data["actions"][30:75])
    assert sum(1 for _ in data.iter_episodes()) == 3


def test_a_minari_conversion_reads_back_the_same_arrays(tmp_path, np_rng):
    path = tmp_path / "data.hdf5"
    write_d4rl(path, np_rng, lengths=(30, 45), ends=("terminal", "timeout"))
    minari_dir = tmp_path / "minari-copy"
    subprocess.run([os.environ["MINDT_BINARY"], "data", "convert", str(path), str(minari_dir)], check=True,
                   capture_output=True)
    d4rl, minari = mindt.datasets.load(path), mindt.datasets.load(minari_dir)
    for key in ["observations", "actions", "rewards", "terminals", "timeouts"]:
        np.testing.assert_array_equal(minari[key], d4rl[key], err_msg=key)


def test_bad_files_raise_data_errors_naming_them(tmp_path, np_rng):
    nan_file = tmp_path / "nan.hdf5"
    write_d4rl(nan_file, np_rng, nan_at=(7, 2))
    with pytest.raises(mindt.DataError, match=r"nan\.hdf5.*observations"):
        mindt.datasets.load(nan_file)
    with pytest.raises(mindt.DataError, match="missing.hdf5"):
        mindt.datasets.load(tmp_path / "missing.hdf5")
    garbage = tmp_path / "garbage.hdf5"
    garbage.write_bytes(b"not an HDF5 file at all" * 10)
    with pytest.raises(mindt.DataError, match="garbage.hdf5"):
        mindt.datasets.load(garbage)
    assert issubclass(mindt.DataError, ValueError)
