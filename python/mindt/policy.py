"""Trained decision models as batched policies for a Python evaluation loop.

    policy = mindt.policy.load("runs/quickstart-…/checkpoint.pt")
    envs = mindt.envs.make_vec(policy.env, num_envs=10, seed=0, autoreset_mode="Disabled")
    obs, _ = envs.reset()
    policy.reset(10, target_return=3600)
    reward = None
    for _ in range(1000):
        obs, reward, terminated, truncated, _ = envs.step(policy.act(obs, reward))

The return-to-go starts at ``target_return`` and falls by each reward passed to :meth:`Policy.act`
(pass 0 for episodes that have ended), the timestep counts steps: the evaluator's own code
(agents/return_conditioned_policy), so this loop acts exactly as ``mindt eval`` does.
"""

from __future__ import annotations

import os
from typing import Optional

import numpy as np

from mindt import _core

__all__ = ["load", "Policy", "evaluate"]


class Policy:
    """A checkpoint loaded as a batched, return-conditioned policy.

    Args:
        path: a decision-model checkpoint (``mindt train``'s ``checkpoint.pt`` or ``best.pt``).
        mode: ``"window"`` (re-encode the last K steps; DT's way) or ``"recurrent"`` (carry the
            backbone's state: O(1) per step for the RNNs); default: the checkpoint's eval mode.
        device: ``"cpu"`` or ``"cuda"``.
    """

    def __init__(self, path: str | os.PathLike, mode: Optional[str] = None, device: str = "cpu"):
        self.path = os.fspath(path)
        if mode not in (None, "window", "recurrent"):
            raise ValueError(f"Policy: mode must be 'window' or 'recurrent', got {mode!r}")
        self._policy = _core.Policy(self.path, mode or "", device)

    def reset(self, batch: int, target_return: Optional[float] = None) -> None:
        """Start ``batch`` episodes conditioned on ``target_return`` (default: the first of
        :attr:`targets`, DT's high target for the env)."""
        self._policy.reset(batch, target_return)

    def act(self, observations, last_reward=None) -> np.ndarray:
        """Actions ``[batch, act_dim]`` (float64) for ``observations`` ``[batch, state_dim]``;
        ``last_reward`` ``[batch]`` is what the previous actions earned (``None`` on the first step)."""
        return self._policy.act(observations, last_reward)

    @property
    def env(self) -> str:
        """The environment the model was trained for (mindt's name)."""
        return self._policy.env

    @property
    def targets(self) -> list[float]:
        return list(self._policy.targets)

    @property
    def mode(self) -> str:
        return self._policy.mode

    @property
    def backbone(self) -> str:
        return self._policy.backbone

    @property
    def state_dim(self) -> int:
        return self._policy.state_dim

    @property
    def act_dim(self) -> int:
        return self._policy.act_dim

    def __repr__(self) -> str:
        return f"Policy({self.path!r}, backbone={self.backbone}, env={self.env}, mode={self.mode})"


def load(path: str | os.PathLike, mode: Optional[str] = None, device: str = "cpu") -> Policy:
    """Load a checkpoint as a :class:`Policy`."""
    return Policy(path, mode, device)


def evaluate(policy: Policy, target_return: float, episodes: int = 10, seed: int = 0, threads: int = 0) -> np.ndarray:
    """Roll out ``episodes`` episodes at once in :func:`mindt.envs.make_vec` environments seeded by
    ``seed``, as ``mindt eval --seeds SEED`` does (ended episodes get zero actions until the last
    ends); returns each episode's return."""
    from mindt import envs

    venv = envs.make_vec(policy.env, num_envs=episodes, seed=seed, threads=threads, autoreset_mode="Disabled")
    obs, _ = venv.reset()
    policy.reset(episodes, target_return)
    returns = np.zeros(episodes)
    done = np.zeros(episodes, bool)
    received = None
    while not done.all():
        actions = policy.act(obs, received)
        actions[done] = 0.0
        obs, rewards, terminated, truncated, _ = venv.step(actions)
        received = np.where(done, 0.0, rewards)
        returns += received
        done |= terminated | truncated
    return returns
