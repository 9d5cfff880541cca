"""mindt.policy: a checkpoint loaded in Python acts exactly as `mindt eval` does for the same seed."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import mindt
import mindt.policy
from test_datasets import write_d4rl

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("policy")
    data = tmp / "tiny.hdf5"
    write_d4rl(data, np.random.default_rng(3), lengths=(120, 80, 150), ends=("terminal", "timeout", "terminal"))
    run = tmp / "run"
    overrides = ["device=cpu", f"data.path={data}", "train.steps=30", "train.batch_size=8", "train.warmup_steps=10",
                 "train.checkpoint_every=30", "model.embed_dim=32", "model.n_layers=2", "model.backbone=mingru",
                 "model.context_len=8", "eval.episodes=0"]
    args = [os.environ["MINDT_BINARY"], "train", str(ROOT / "configs/base.yaml"), "--quiet", "--out", str(run)]
    for o in overrides:
        args += ["--set", o]
    subprocess.run(args, check=True, capture_output=True)
    return run / "checkpoint.pt"


@pytest.mark.parametrize("mode", ["window", "recurrent"])
def test_python_rollouts_equal_mindt_eval(checkpoint, mode):
    out = subprocess.run([os.environ["MINDT_BINARY"], "eval", str(checkpoint), "--json", "--episodes", "3",
                          "--seeds", "5", "--targets", "2500", "--mode", mode],
                         check=True, capture_output=True, text=True).stdout
    expected = json.loads(out)["targets"][0]["returns"]
    policy = mindt.policy.load(checkpoint, mode=mode)
    assert policy.env == "hopper" and policy.mode == mode and policy.backbone == "mingru"
    got = mindt.policy.evaluate(policy, target_return=2500, episodes=3, seed=5)
    np.testing.assert_array_equal(got, np.array(expected))


def test_act_checks_its_inputs(checkpoint):
    policy = mindt.policy.load(checkpoint)
    with pytest.raises(ValueError, match="call reset"):
        policy.act(np.zeros((2, 11)))
    policy.reset(2, 3600)
    with pytest.raises(ValueError, match=r"observations must be an array of shape \(2, 11\)"):
        policy.act(np.zeros((3, 11)))
    actions = policy.act(np.zeros((2, 11)))
    assert actions.shape == (2, 3) and np.all(np.abs(actions) <= 1)
    with pytest.raises(ValueError, match="mode must be"):
        mindt.policy.load(checkpoint, mode="fast")


def test_a_missing_or_damaged_checkpoint_raises(tmp_path):
    with pytest.raises((mindt.CheckpointError, ValueError, RuntimeError), match="nothing.pt"):
        mindt.policy.load(tmp_path / "nothing.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"PK\x03\x04 this is no checkpoint")
    with pytest.raises((mindt.CheckpointError, ValueError, RuntimeError), match="bad.pt"):
        mindt.policy.load(bad)
