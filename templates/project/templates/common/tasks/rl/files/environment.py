"""The agent's world, framework-neutral (numpy and gymnasium): environments made and checked from the config,
episode seeds that keep training, validation and test episodes apart, rollouts of a policy with PPO's
advantages, and greedy evaluation episodes.

The network comes in as a function, so PyTorch and Keras share every line here:

    policy(observations float32 (n, observation_size)) -> (logits (n, actions), values (n,))   rollouts
    logits(observations float32 (n, observation_size)) -> logits (n, actions)                   greedy episodes
"""
{% raw %}
from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable, Sequence

import gymnasium as gym
import numpy as np

CLASSIC_CONTROL = "gymnasium.envs.classic_control."
# Every episode's environment seed is 3 * index + part: training, validation and test episodes never share
# one, and runs with different `seed` values never share one either (RUN_STRIDE episodes apart).
PARTS = {"train": 0, "val": 1, "test": 2}
RUN_STRIDE = 10**9

Policy = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
Logits = Callable[[np.ndarray], np.ndarray]


@dataclasses.dataclass(frozen=True)
class Spec:
    """What the network needs to know about an environment."""

    env_id: str
    observation_size: int
    actions: int
    max_episode_steps: int | None

    @property
    def action_names(self) -> list[str]:
        return [f"action_{i}" for i in range(self.actions)]


def supported_envs() -> list[str]:
    """The registered classic-control environments this starter can train on (discrete actions)."""
    names = []
    for env_id, entry in gym.envs.registry.items():
        if isinstance(entry.entry_point, str) and entry.entry_point.startswith(CLASSIC_CONTROL):
            with warnings.catch_warnings():  # older versions (CartPole-v0) warn that they are out of date
                warnings.simplefilter("ignore")
                env = gym.make(env_id, disable_env_checker=True)
            if _usable(env):
                names.append(env_id)
            env.close()
    return names


def _usable(env) -> bool:
    observations, actions = env.observation_space, env.action_space
    return (
        isinstance(actions, gym.spaces.Discrete)
        and isinstance(observations, gym.spaces.Box)
        and len(observations.shape) == 1
        and int(actions.n) >= 2
    )


def _refuse(env_id: str) -> ValueError:
    return ValueError(
        f"config key 'env_id': {env_id!r} is not a gymnasium classic-control environment with discrete actions "
        f"and a vector observation; use one of {supported_envs()}"
    )


@functools.cache
def spec(env_id: str) -> Spec:
    """Sizes of env_id's observations and actions; a one-line ValueError for an environment this starter
    cannot train (unknown, not classic control, continuous actions, image observations)."""
    try:
        entry = gym.spec(env_id)
    except gym.error.Error:
        raise _refuse(env_id) from None
    if not (isinstance(entry.entry_point, str) and entry.entry_point.startswith(CLASSIC_CONTROL)):
        raise _refuse(env_id)
    env = gym.make(env_id, disable_env_checker=True)
    try:
        if not _usable(env):
            raise _refuse(env_id)
        return Spec(env_id, int(env.observation_space.shape[0]), int(env.action_space.n), entry.max_episode_steps)
    finally:
        env.close()


def make_envs(env_id: str, count: int) -> list:
    """`count` independent copies of the environment (seeded at each episode's reset)."""
    spec(env_id)
    # The passive checker only inspects the first steps, at a cost on every step.
    return [gym.make(env_id, disable_env_checker=True) for _ in range(count)]


def check_config(cfg) -> None:
    """The settings a run of this starter cannot start with, each named with what is allowed."""
    if cfg.data_dir:
        raise ValueError(
            f"config key 'data_dir' ({cfg.data_dir!r}): the rl starter has no data set, the agent collects its own "
            "experience from env_id; leave data_dir empty"
        )
    spec(cfg.env_id)
    if cfg.seed < 0:
        raise ValueError(f"config key 'seed' must be 0 or more (it seeds the environments), got {cfg.seed}")
    for name in ("num_envs", "rollout_steps", "update_epochs", "eval_episodes", "hidden_dim"):
        if getattr(cfg, name) < 1:
            raise ValueError(f"config key {name!r} must be 1 or more, got {getattr(cfg, name)}")
    if cfg.test_episodes < 0:
        raise ValueError(f"config key 'test_episodes' must be 0 or more, got {cfg.test_episodes}")
    for name, low, high in (("gamma", 0.0, 1.0), ("gae_lambda", 0.0, 1.0)):
        if not low <= getattr(cfg, name) <= high:
            raise ValueError(f"config key {name!r} must be in [{low}, {high}], got {getattr(cfg, name)}")
    if not cfg.clip_range > 0:
        raise ValueError(f"config key 'clip_range' must be above 0, got {cfg.clip_range}")
    for name in ("value_coef", "entropy_coef"):
        if not getattr(cfg, name) >= 0:
            raise ValueError(f"config key {name!r} must be 0 or more, got {getattr(cfg, name)}")


def episode_seeds(seed: int, part: str, start: int, count: int) -> list[int]:
    """Environment seeds of episodes start..start+count-1 of a part (train, val, test) of the run `seed`."""
    base = seed * RUN_STRIDE + start
    return [3 * (base + i) + PARTS[part] for i in range(count)]


def observation_batch(observations: Sequence[np.ndarray]) -> np.ndarray:
    """Observations of several environments as one float32 (n, observation_size) batch for the network."""
    return np.stack([np.asarray(o, dtype=np.float32) for o in observations]).reshape(len(observations), -1)


def sample_actions(logits: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(actions, their log-probabilities) drawn from the softmax of each row of logits (float64 math)."""
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    cumulative = np.exp(log_probs).cumsum(axis=1)
    draws = rng.random(len(logits))[:, None]
    actions = np.minimum((cumulative < draws * cumulative[:, -1:]).sum(axis=1), logits.shape[1] - 1)
    return actions.astype(np.int64), log_probs[np.arange(len(actions)), actions]


def advantages(rewards: np.ndarray, values: np.ndarray, bootstrap: float, gamma: float, lam: float) -> np.ndarray:
    """Generalised advantage estimates of one episode; `bootstrap` is the value after its last step (0 when
    the episode terminated, the value estimate when the time limit cut it)."""
    following = np.append(values[1:], bootstrap)
    deltas = rewards + gamma * following - values
    out = np.zeros(len(rewards), dtype=np.float64)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = deltas[t] + gamma * lam * running
        out[t] = running
    return out


@dataclasses.dataclass
class Rollout:
    """Every step of the episodes one iteration collected, episode after episode in the order they ended."""

    observations: np.ndarray  # float32 (steps, observation_size)
    actions: np.ndarray  # int64 (steps,)
    log_probs: np.ndarray  # float64: log-probability of the action when it was taken
    values: np.ndarray  # float64: the value estimate then
    advantages: np.ndarray  # float64: generalised advantage estimates
    returns: np.ndarray  # float64: advantages + values, the value head's target
    episode_returns: np.ndarray  # float64 (episodes,): the undiscounted return of each episode
    episode_lengths: np.ndarray  # int64 (episodes,)
    episode_seeds: list[int]

    def __len__(self) -> int:
        return len(self.actions)

    def targets(self) -> np.ndarray:
        """float32 (steps, 4): action, advantage (normalised over the rollout), old log-probability and return:
        what model.loss_fn compares the network's outputs with."""
        spread = self.advantages.std() if len(self.advantages) > 1 else 0.0
        normalised = (self.advantages - self.advantages.mean()) / (spread + 1e-8)
        return np.stack([self.actions, normalised, self.log_probs, self.returns], axis=1).astype(np.float32)


def collect_rollout(
    envs: list,
    policy: Policy,
    min_steps: int,
    seeds: Callable[[], int],
    rng: np.random.Generator,
    gamma: float,
    lam: float,
) -> Rollout:
    """Run the policy (sampling its actions) in every environment until min_steps steps are collected; an
    environment starts a new episode only while fewer steps than that are in, and every episode runs to
    its end, so each step's advantage sees its whole episode. `seeds()` gives the next episode's seed."""
    episodes: list[dict] = []
    running: dict[int, dict] = {}
    steps = 0

    def start(index: int) -> None:
        seed = seeds()
        observation, _ = envs[index].reset(seed=seed)
        running[index] = {"seed": seed, "observation": observation, "obs": [], "act": [], "logp": [], "value": [],
                          "reward": []}  # fmt: skip

    for index in range(len(envs)):
        start(index)
    while running:
        order = sorted(running)
        logits, values = policy(observation_batch([running[i]["observation"] for i in order]))
        actions, log_probs = sample_actions(logits, rng)
        cut: list[tuple[dict, np.ndarray]] = []  # episodes the time limit ended: their values bootstrap
        for k, index in enumerate(order):
            episode = running[index]
            observation, reward, terminated, truncated, _ = envs[index].step(int(actions[k]))
            episode["obs"].append(episode["observation"])
            episode["act"].append(actions[k])
            episode["logp"].append(log_probs[k])
            episode["value"].append(float(values[k]))
            episode["reward"].append(float(reward))
            episode["observation"] = observation
            steps += 1
            if terminated or truncated:
                episode["bootstrap"] = 0.0
                if truncated and not terminated:
                    cut.append((episode, observation))
                episodes.append(episode)
                del running[index]
                if steps < min_steps:
                    start(index)
        if cut:
            _, last_values = policy(observation_batch([observation for _, observation in cut]))
            for (episode, _), value in zip(cut, last_values, strict=True):
                episode["bootstrap"] = float(value)
    return _assemble(episodes, gamma, lam)


def _assemble(episodes: list[dict], gamma: float, lam: float) -> Rollout:
    estimates, values = [], []
    for episode in episodes:
        episode_values = np.asarray(episode["value"], dtype=np.float64)
        rewards = np.asarray(episode["reward"], dtype=np.float64)
        estimates.append(advantages(rewards, episode_values, episode["bootstrap"], gamma, lam))
        values.append(episode_values)
    advantage = np.concatenate(estimates)
    value = np.concatenate(values)
    return Rollout(
        observations=observation_batch([o for e in episodes for o in e["obs"]]),
        actions=np.asarray([a for e in episodes for a in e["act"]], dtype=np.int64),
        log_probs=np.asarray([p for e in episodes for p in e["logp"]], dtype=np.float64),
        values=value,
        advantages=advantage,
        returns=advantage + value,
        episode_returns=np.asarray([sum(e["reward"]) for e in episodes], dtype=np.float64),
        episode_lengths=np.asarray([len(e["reward"]) for e in episodes], dtype=np.int64),
        episode_seeds=[e["seed"] for e in episodes],
    )


def pass_order(seed: int, pass_index: int, steps: int) -> np.ndarray:
    """The step indices of one PPO pass over a rollout: a permutation seeded by (seed, pass), so every pass has
    its own order and a resumed run repeats the same ones (data.Batches serves them)."""
    return np.random.default_rng([seed, pass_index]).permutation(steps)


def greedy_episodes(envs: list, logits: Logits, seeds: Sequence[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Play one episode per seed with the greedy policy (the most likely action), all in step: (returns,
    the observations each episode saw). Needs an environment per seed."""
    if len(envs) < len(seeds):
        raise ValueError(f"{len(seeds)} episodes need as many environments, got {len(envs)}")
    current = {k: envs[k].reset(seed=int(seed))[0] for k, seed in enumerate(seeds)}
    totals = np.zeros(len(seeds), dtype=np.float64)
    seen: list[list[np.ndarray]] = [[] for _ in seeds]
    while current:
        order = sorted(current)
        actions = np.asarray(logits(observation_batch([current[k] for k in order]))).argmax(axis=1)
        for k, action in zip(order, actions, strict=True):
            seen[k].append(np.asarray(current[k], dtype=np.float32))
            observation, reward, terminated, truncated, _ = envs[k].step(int(action))
            totals[k] += float(reward)
            current[k] = observation
            if terminated or truncated:
                del current[k]
    return totals, [observation_batch(s) for s in seen]


def greedy_observations(env_id: str, logits: Logits, seeds: Sequence[int], limit: int) -> np.ndarray:
    """The observations of greedy episodes, one per seed, played until at least `limit` steps are in: the
    states the deployed policy meets (export calibrates and checks parity on a spread of them)."""
    collected: list[np.ndarray] = []
    envs = make_envs(env_id, 1)
    for seed in seeds:
        _, (observations,) = greedy_episodes(envs, logits, [seed])
        collected.append(observations)
        if sum(map(len, collected)) >= limit:
            break
    return np.concatenate(collected)


def random_experience(cfg, steps: int | None = None) -> Rollout:
    """A rollout of the uniform random policy (values 0), seeded by cfg.seed: the observation statistics the
    network standardises with (model.adapt), and a batch for step tests."""
    envs = make_envs(cfg.env_id, cfg.num_envs)
    actions = spec(cfg.env_id).actions
    counter = iter(range(RUN_STRIDE // 2, RUN_STRIDE))  # validation-part seeds no evaluation reaches

    def uniform(observations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros((len(observations), actions)), np.zeros(len(observations))

    def seeds() -> int:
        return episode_seeds(cfg.seed, "val", next(counter), 1)[0]

    rng = np.random.default_rng([cfg.seed, 0])  # training iterations draw from [seed, iteration >= 1]
    return collect_rollout(envs, uniform, steps or cfg.rollout_steps, seeds, rng, cfg.gamma, cfg.gae_lambda)
{%- endraw %}
