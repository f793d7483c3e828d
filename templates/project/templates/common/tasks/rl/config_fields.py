    # reinforcement learning: the environment and PPO (see environment.py)
    env_id: str = "CartPole-v1"  # a gymnasium classic-control environment with discrete actions
    num_envs: int = 8  # environments stepped together in a rollout
    rollout_steps: int = 2048  # environment steps per iteration, at least (episodes run to their end)
    update_epochs: int = 4  # passes over each rollout, in minibatches of batch_size steps
    gamma: float = 0.99  # discount of future rewards
    gae_lambda: float = 0.95  # generalised advantage estimation: 0 one-step, 1 Monte Carlo
    clip_range: float = 0.2  # PPO: how far one update may move an action's probability ratio from 1
    value_coef: float = 0.5  # weight of the value head's squared error in the loss
    entropy_coef: float = 0.0  # bonus for a spread-out policy (exploration)
    eval_episodes: int = 10  # greedy validation episodes after every iteration (val_mean_return)
    test_episodes: int = 20  # greedy episodes on unseen seeds scoring the best checkpoint; 0: none
    hidden_dim: int = 64
