"""mindt's MuJoCo environments (C++, gym-faithful) behind gymnasium's API.

- :func:`make` → a ``gymnasium.Env`` (one environment);
- :func:`make_vec` → a ``gymnasium.vector.VectorEnv`` of N environments stepped by a C++ thread pool,
  with gymnasium 1.x's autoreset semantics (``AutoresetMode.NEXT_STEP`` by default).

Names are mindt's (``"hopper"``: D4RL's dynamics, gymnasium's ``Hopper-v4``; ``"hopper-v5"``) or
gymnasium ids (``"Hopper-v4"``, ``"Hopper-v5"``). Observations are float64, actions float32 in
``[-1, 1]``, as in gymnasium's own MuJoCo environments.
"""

from __future__ import annotations

from typing import Any, Optional

import gymnasium
import numpy as np
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

from mindt import _core

__all__ = ["names", "resolve", "make", "make_vec", "MindtEnv", "MindtVectorEnv"]


def names() -> list[str]:
    """Every environment mindt simulates, by mindt's names."""
    return list(_core.env_names())


def resolve(name: str) -> str:
    """mindt's name for ``name`` (a mindt name or a gymnasium id); ValueError listing the known ones."""
    known = _core.env_names()
    if name in known:
        return name
    for candidate in known:
        if _core.env_info(candidate)["gymnasium_id"] == name:
            return candidate
    ids = [_core.env_info(n)["gymnasium_id"] for n in known]
    raise ValueError(f"unknown env {name!r} (known: {', '.join(known)}; or gymnasium ids {', '.join(ids)})")


_AUTORESET_NAMES = {
    AutoresetMode.NEXT_STEP: "next_step",
    AutoresetMode.SAME_STEP: "same_step",
    AutoresetMode.DISABLED: "disabled",
}


def _fresh_seed() -> int:
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0])


def _spaces(info: dict) -> tuple[gymnasium.spaces.Box, gymnasium.spaces.Box]:
    observation = gymnasium.spaces.Box(-np.inf, np.inf, (info["obs_dim"],), np.float64)
    action = gymnasium.spaces.Box(-1.0, 1.0, (info["act_dim"],), np.float32)
    return observation, action


class MindtEnv(gymnasium.Env):
    """One C++ environment as a ``gymnasium.Env``. ``set_state(qpos, qvel)`` as gymnasium's MuJoCo envs."""

    def __init__(self, name: str, seed: Optional[int] = None):
        self.name = resolve(name)
        self.info = _core.env_info(self.name)
        self.observation_space, self.action_space = _spaces(self.info)
        self.metadata = {"render_modes": [], "render_fps": int(round(1.0 / self.info["dt"]))}
        self._env = _core.Env(self.name, _fresh_seed() if seed is None else seed)

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict[str, Any]] = None):
        super().reset(seed=seed)
        return self._env.reset(seed), {}

    def step(self, action):
        obs, reward, terminated, truncated = self._env.step(np.asarray(action, dtype=np.float64))
        return obs, reward, terminated, truncated, {}

    def set_state(self, qpos, qvel) -> None:
        self._env.set_state(qpos, qvel)

    @property
    def qpos(self) -> np.ndarray:
        return np.asarray(self._env.qpos())

    @property
    def qvel(self) -> np.ndarray:
        return np.asarray(self._env.qvel())


class MindtVectorEnv(gymnasium.vector.VectorEnv):
    """N C++ environments as a ``gymnasium.vector.VectorEnv``.

    Args:
        name: mindt name or gymnasium id.
        num_envs: N.
        seed: the generator seed of environment i is derived from (seed, i); random when ``None``.
        threads: C++ threads stepping them (0: one per core, at most N).
        autoreset_mode: gymnasium's ``AutoresetMode`` (``NEXT_STEP``, ``SAME_STEP`` or ``DISABLED``).
            With ``SAME_STEP`` the finished episode's last observation is in
            ``infos["final_obs"]`` (masked by ``infos["_final_obs"]``), as gymnasium does.
    """

    def __init__(
        self,
        name: str,
        num_envs: int,
        seed: Optional[int] = None,
        threads: int = 0,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
    ):
        if num_envs < 1:
            raise ValueError(f"make_vec: num_envs must be at least 1, got {num_envs}")
        self.name = resolve(name)
        self.info = _core.env_info(self.name)
        mode = AutoresetMode(autoreset_mode)
        self.num_envs = num_envs
        self.single_observation_space, self.single_action_space = _spaces(self.info)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.metadata = {"autoreset_mode": mode, "render_modes": [], "render_fps": int(round(1.0 / self.info["dt"]))}
        self._venv = _core.VectorEnv(
            self.name, num_envs, _fresh_seed() if seed is None else seed, threads, _AUTORESET_NAMES[mode]
        )
        self._mode = mode

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict[str, Any]] = None):
        if isinstance(seed, (list, tuple)):
            raise ValueError("MindtVectorEnv.reset: seed must be one int (environment i derives its own from it)")
        if seed is not None:
            self._np_random, self._np_random_seed = gymnasium.utils.seeding.np_random(seed)
        return self._venv.reset(seed), {}

    def step(self, actions):
        obs, rewards, terminated, truncated = self._venv.step(np.asarray(actions, dtype=np.float64))
        infos: dict[str, Any] = {}
        if self._mode == AutoresetMode.SAME_STEP:
            done = terminated | truncated
            if done.any():
                final = np.full((self.num_envs,), None, dtype=object)
                for i in np.flatnonzero(done):
                    final[i] = self._venv.final_observation(int(i))
                infos = {"final_obs": final, "_final_obs": done, "final_info": {}, "_final_info": done}
        return obs, rewards, terminated, truncated, infos

    def set_state(self, index: int, qpos, qvel) -> None:
        """Put environment ``index`` in the state (qpos, qvel), as gymnasium's ``MujocoEnv.set_state``."""
        self._venv.set_state(index, qpos, qvel)

    def close_extras(self, **kwargs):
        self._venv = None


def make(name: str, seed: Optional[int] = None) -> MindtEnv:
    """One environment as a ``gymnasium.Env``."""
    return MindtEnv(name, seed)


def make_vec(
    name: str,
    num_envs: int = 1,
    seed: Optional[int] = None,
    threads: int = 0,
    autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
) -> MindtVectorEnv:
    """N environments as a ``gymnasium.vector.VectorEnv``; see :class:`MindtVectorEnv`."""
    return MindtVectorEnv(name, num_envs, seed, threads, autoreset_mode)
