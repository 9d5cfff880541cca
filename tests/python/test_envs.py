"""mindt.envs against gymnasium's own MuJoCo environments: the same trajectories from the same
state and actions, gymnasium's NEXT_STEP autoreset, and gymnasium's env checker."""

import warnings

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.vector import AutoresetMode

import mindt.envs

CASES = [("hopper", "Hopper-v4"), ("walker2d", "Walker2d-v4"), ("halfcheetah", "HalfCheetah-v4"),
         ("hopper-v5", "Hopper-v5"), ("walker2d-v5", "Walker2d-v5"), ("halfcheetah-v5", "HalfCheetah-v5")]


def gym_make(gym_id):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gymnasium.make(gym_id)


@pytest.fixture
def np_rng(rng):
    return np.random.default_rng(int(rng.initial_seed()))


@pytest.mark.parametrize("name, gym_id", CASES)
def test_single_env_follows_gymnasium_from_the_same_state(np_rng, name, gym_id):
    ours, theirs = mindt.envs.make(name, seed=1), gym_make(gym_id)
    theirs.reset(seed=int(np_rng.integers(1 << 31)))
    ours.reset()
    ours.set_state(theirs.unwrapped.data.qpos, theirs.unwrapped.data.qvel)
    steps = 0
    for _ in range(300):
        action = np_rng.uniform(-1, 1, ours.action_space.shape).astype(np.float32)
        o1, r1, te1, tr1, _ = ours.step(action)
        o2, r2, te2, tr2, _ = theirs.step(action)
        np.testing.assert_allclose(o1, o2, rtol=1e-6, atol=1e-6)
        assert abs(r1 - r2) <= 1e-6 and te1 == te2
        steps += 1
        if te1:
            break
    assert steps >= 5


@pytest.mark.parametrize("name, gym_id", [CASES[0], CASES[4]])
def test_vector_env_follows_sync_vector_env_through_resets(np_rng, name, gym_id):
    """Both step N envs with NEXT_STEP autoreset; after each reset step (reward 0, no flags in both)
    our env is put in gymnasium's fresh state, since the reset noise comes from other generators."""
    N = 3
    ours = mindt.envs.make_vec(name, num_envs=N, seed=4, threads=2)
    theirs = gymnasium.vector.SyncVectorEnv([lambda: gym_make(gym_id) for _ in range(N)])
    assert theirs.metadata["autoreset_mode"] == ours.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    assert ours.single_observation_space == theirs.single_observation_space
    assert ours.single_action_space == theirs.single_action_space
    assert ours.observation_space.shape == theirs.observation_space.shape

    def sync(i):
        u = theirs.envs[i].unwrapped
        ours.set_state(i, u.data.qpos, u.data.qvel)

    theirs.reset(seed=int(np_rng.integers(1 << 31)))
    ours.reset()
    for i in range(N):
        sync(i)
    resets = 0
    ended = np.zeros(N, bool)
    for _ in range(400):
        actions = np_rng.uniform(-1, 1, ours.action_space.shape)
        o1, r1, te1, tr1, _ = ours.step(actions)
        o2, r2, te2, tr2, _ = theirs.step(actions)
        assert o1.shape == o2.shape and o1.dtype == o2.dtype
        np.testing.assert_array_equal(te1, te2)
        np.testing.assert_array_equal(tr1, tr2)
        np.testing.assert_allclose(r1, r2, rtol=1e-6, atol=1e-6)
        for i in range(N):
            if ended[i]:  # the reset step: both report a fresh start
                assert r1[i] == r2[i] == 0 and not (te1[i] or tr1[i])
                resets += 1
                sync(i)
            else:
                np.testing.assert_allclose(o1[i], o2[i], rtol=1e-6, atol=1e-6)
        ended = te1 | tr1
    assert resets >= N


def test_same_step_autoreset_reports_the_final_observation(np_rng):
    venv = mindt.envs.make_vec("hopper", num_envs=2, seed=0, autoreset_mode=AutoresetMode.SAME_STEP)
    venv.reset()
    for _ in range(200):
        obs, _, te, tr, info = venv.step(np.full((2, 3), 0.9))
        if (te | tr).any():
            i = int(np.flatnonzero(te | tr)[0])
            assert info["_final_obs"][i] and info["final_obs"][i].shape == (11,)
            assert not np.array_equal(info["final_obs"][i], obs[i])  # obs is already the next episode's
            return
    pytest.fail("no hopper fell within 200 steps of 0.9 torques")


def test_seeded_resets_repeat_and_differ_by_environment():
    venv = mindt.envs.make_vec("walker2d", num_envs=3)
    first, _ = venv.reset(seed=11)
    again, _ = venv.reset(seed=11)
    other, _ = venv.reset(seed=12)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert not np.array_equal(first[0], first[1])


def test_trajectories_do_not_depend_on_the_thread_count(np_rng):
    actions = np_rng.uniform(-1, 1, (100, 4, 6))

    def roll(threads):
        venv = mindt.envs.make_vec("halfcheetah", num_envs=4, seed=3, threads=threads)
        obs = [venv.reset()[0]]
        obs += [venv.step(a)[0] for a in actions]
        return np.stack(obs)

    np.testing.assert_array_equal(roll(1), roll(3))


@pytest.mark.parametrize("name, gym_id", [("hopper", "Hopper-v4"), ("halfcheetah-v5", "HalfCheetah-v5")])
def test_gymnasium_env_checker_passes(name, gym_id):
    """No error, and no warning that gymnasium's own env does not get too (both have the unbounded
    observation Box the checker remarks on)."""

    def findings(env):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env, skip_render_check=True)
        return {str(w.message) for w in caught}

    ours, theirs = findings(mindt.envs.make(name)), findings(gym_make(gym_id).unwrapped)
    assert ours <= theirs, f"warnings only mindt's env gets: {ours - theirs}"


def test_names_and_gymnasium_ids_resolve():
    assert mindt.envs.resolve("Hopper-v5") == "hopper-v5"
    assert mindt.envs.resolve("HalfCheetah-v4") == "halfcheetah"
    assert set(mindt.envs.names()) >= {"hopper", "walker2d", "halfcheetah", "hopper-v5"}
    with pytest.raises(ValueError, match="unknown env 'Ant-v4'.*known: .*hopper"):
        mindt.envs.make_vec("Ant-v4", num_envs=2)


def test_bad_actions_raise_value_errors():
    venv = mindt.envs.make_vec("hopper", num_envs=2, seed=0)
    venv.reset()
    with pytest.raises(ValueError, match=r"expected shape \(2, 3\), got \(2, 4\)"):
        venv.step(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="num_envs must be at least 1"):
        mindt.envs.make_vec("hopper", num_envs=0)
    with pytest.raises(ValueError, match="action"):
        mindt.envs.make("hopper", seed=0).step(np.zeros(2))
