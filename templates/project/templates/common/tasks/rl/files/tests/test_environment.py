"""The environment side (environment.py, framework-neutral): only environments this starter can train are
accepted, bad settings are refused in one line naming the key, rollouts hold whole episodes with correct
advantages (the time limit bootstraps from the value), actions follow the policy's probabilities, and greedy
episodes replay exactly from their seeds."""
{% raw %}
import dataclasses

import gymnasium as gym
import numpy as np
import pytest
{% endraw %}
from {{ cookiecutter.package }} import environment
{% raw %}

@pytest.mark.smoke
@pytest.mark.parametrize(
    "env_id",
    ["NoSuchEnv-v0", "Pendulum-v1", "MountainCarContinuous-v0", "FrozenLake-v1", "LunarLander-v3", "CartPole"],
)
def test_environments_it_cannot_train_are_refused_in_one_line(env_id):
    with pytest.raises(ValueError, match="config key 'env_id'") as error:
        environment.spec(env_id)
    message = str(error.value)
    assert "\n" not in message and env_id in message and "CartPole-v1" in message and "Acrobot-v1" in message


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("env_id", "sizes"), [("CartPole-v1", (4, 2)), ("Acrobot-v1", (6, 3)), ("MountainCar-v0", (2, 3))]
)
def test_classic_control_environments_with_discrete_actions_are_accepted(env_id, sizes):
    spec = environment.spec(env_id)
    assert (spec.observation_size, spec.actions) == sizes and len(spec.action_names) == sizes[1]


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"data_dir": "data"}, "'data_dir'"),
        ({"num_envs": 0}, "'num_envs' must be 1 or more"),
        ({"rollout_steps": 0}, "'rollout_steps' must be 1 or more"),
        ({"gamma": 1.5}, "'gamma' must be in"),
        ({"clip_range": 0.0}, "'clip_range' must be above 0"),
        ({"test_episodes": -1}, "'test_episodes' must be 0 or more"),
        ({"seed": -1}, "'seed' must be 0 or more"),
        ({"env_id": "Pendulum-v1"}, "'env_id'"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(cpu_config, override, message):
    with pytest.raises(ValueError, match=message):
        environment.check_config(dataclasses.replace(cpu_config, **override))


def _uniform(actions: int, value: float = 0.0):
    def policy(observations):
        return np.zeros((len(observations), actions)), np.full(len(observations), value)

    return policy


@pytest.mark.smoke
def test_a_rollout_holds_whole_episodes_and_at_least_the_steps_asked_for():
    envs = environment.make_envs("CartPole-v1", 3)
    counter = iter(range(100))
    rollout = environment.collect_rollout(envs, _uniform(2), 200, lambda: next(counter), np.random.default_rng(0),
                                          0.99, 0.95)  # fmt: skip
    assert len(rollout) >= 200 and int(rollout.episode_lengths.sum()) == len(rollout)
    assert sorted(rollout.episode_seeds) == list(range(len(rollout.episode_seeds))), "an episode seed was skipped"
    np.testing.assert_array_equal(rollout.episode_returns, rollout.episode_lengths)  # CartPole: 1 per step
    assert rollout.observations.shape == (len(rollout), 4) and rollout.targets().shape == (len(rollout), 4)
    # Every episode ran to its end: replaying its actions from its seed ends exactly there.
    env, start = gym.make("CartPole-v1"), 0
    for seed, length in zip(rollout.episode_seeds, rollout.episode_lengths, strict=True):
        env.reset(seed=seed)
        for t, action in enumerate(rollout.actions[start : start + length]):
            _, _, terminated, truncated, _ = env.step(int(action))
            assert (terminated or truncated) == (t == length - 1)
        start += length


@pytest.mark.smoke
def test_advantages_are_discounted_sums_and_time_limits_bootstrap_from_the_value():
    rewards, values = np.array([1.0, 1.0, 1.0]), np.array([0.5, 0.2, 0.1])
    gamma = 0.9
    monte_carlo = [sum(gamma**k * r for k, r in enumerate(rewards[t:])) for t in range(3)]
    np.testing.assert_allclose(environment.advantages(rewards, values, 0.0, gamma, 1.0), monte_carlo - values)
    one_step = rewards + gamma * np.append(values[1:], 0.0) - values
    np.testing.assert_allclose(environment.advantages(rewards, values, 0.0, gamma, 0.0), one_step)

    # An episode cut by the time limit (3 steps here) continues in the value estimate of where it stopped.
    envs = [gym.make("CartPole-v1", max_episode_steps=3, disable_env_checker=True)]
    counter = iter(range(10))
    rollout = environment.collect_rollout(envs, _uniform(2, value=2.0), 1, lambda: next(counter),
                                          np.random.default_rng(0), 0.99, 0.95)  # fmt: skip
    assert len(rollout) == 3
    assert rollout.advantages[-1] == pytest.approx(1.0 + 0.99 * 2.0 - 2.0)


@pytest.mark.smoke
def test_sampled_actions_follow_the_policys_probabilities():
    logits = np.log(np.tile([[0.2, 0.8]], (20000, 1)))
    actions, log_probs = environment.sample_actions(logits, np.random.default_rng(0))
    assert abs(actions.mean() - 0.8) < 0.02
    np.testing.assert_allclose(log_probs, np.log(np.where(actions == 1, 0.8, 0.2)))


@pytest.mark.smoke
def test_greedy_episodes_replay_exactly_from_their_seeds():
    def lean(observations):  # push towards the side the pole falls to: a decent fixed policy
        return np.stack([-observations[:, 2], observations[:, 2]], axis=1)

    seeds = environment.episode_seeds(0, "test", 0, 3)
    first, seen = environment.greedy_episodes(environment.make_envs("CartPole-v1", 3), lean, seeds)
    again, _ = environment.greedy_episodes(environment.make_envs("CartPole-v1", 3), lean, seeds)
    np.testing.assert_array_equal(first, again)
    assert [len(s) for s in seen] == first.tolist()  # one observation per step, CartPole pays 1 per step
{%- endraw %}
