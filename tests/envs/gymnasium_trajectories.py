"""Records gymnasium's v4 locomotion envs (the reference D4RL's semantics live in) and their v5
versions (Minari's) for test_locomotion.

  gymnasium_trajectories.py OUT.hdf5 ENV SEED [SEED ...]

For each seed: reset(seed), then actions drawn uniformly from [-1.2, 1.2] (a little outside the
control range, so clamping and the unclipped control cost are exercised; for seeds ≥ 100 from
[-0.1, 0.1], which keeps Hopper and Walker2d up for longer episodes) until the episode
terminates or is truncated at 1000 steps. Stored per seed under "ENV/SEED/": qpos, qvel [T+1, ·]
(the state before each step, and the last), actions [T, nu], observations [T+1, ·], rewards,
terminated, truncated [T].
"""
import sys
import warnings

import h5py
import numpy as np

warnings.filterwarnings("ignore")
import gymnasium as gym  # noqa: E402

NAMES = {"halfcheetah": "HalfCheetah-v4", "hopper": "Hopper-v4", "walker2d": "Walker2d-v4",
         "halfcheetah-v5": "HalfCheetah-v5", "hopper-v5": "Hopper-v5", "walker2d-v5": "Walker2d-v5"}


def record(env_name, seed):
    env = gym.make(NAMES[env_name])
    obs, _ = env.reset(seed=seed)
    sim = env.unwrapped
    rng = np.random.default_rng(seed)
    qpos, qvel, observations = [sim.data.qpos.copy()], [sim.data.qvel.copy()], [obs]
    actions, rewards, terminated, truncated = [], [], [], []
    while True:
        amplitude = 1.2 if seed < 100 else 0.1
        action = rng.uniform(-amplitude, amplitude, size=env.action_space.shape)
        obs, reward, term, trunc, _ = env.step(action)
        actions.append(action)
        rewards.append(reward)
        terminated.append(term)
        truncated.append(trunc)
        observations.append(obs)
        qpos.append(sim.data.qpos.copy())
        qvel.append(sim.data.qvel.copy())
        if term or trunc:
            break
    return dict(qpos=np.array(qpos), qvel=np.array(qvel), actions=np.array(actions),
                observations=np.array(observations), rewards=np.array(rewards),
                terminated=np.array(terminated), truncated=np.array(truncated))


if __name__ == "__main__":
    out, env_name, seeds = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
    with h5py.File(out, "a") as f:
        for seed in seeds:
            for key, value in record(env_name, seed).items():
                f[f"{env_name}/{seed}/{key}"] = value
