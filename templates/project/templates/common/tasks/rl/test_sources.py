{% raw %}

@pytest.mark.smoke
def test_random_experience_is_seeded_and_in_the_batch_layout(cpu_config):
    observations, targets = sources.synthetic_arrays(cpu_config)
    again = sources.synthetic_arrays(cpu_config)
    assert np.array_equal(observations, again[0]) and np.array_equal(targets, again[1])
    assert observations.dtype == np.float32 and targets.dtype == np.float32
    assert len(observations) == len(targets) >= cpu_config.rollout_steps and targets.shape[1] == 4
    actions = environment.spec(cpu_config.env_id).actions
    assert set(np.unique(targets[:, 0]).tolist()) <= set(range(actions))
    # A uniform policy: each action's log-probability is log(1 / actions); advantages come normalised.
    np.testing.assert_allclose(targets[:, 2], np.log(1.0 / actions), rtol=1e-6)
    assert abs(targets[:, 1].mean()) < 1e-5 and abs(targets[:, 1].std() - 1.0) < 1e-3
    other = sources.synthetic_arrays(dataclasses.replace(cpu_config, seed=cpu_config.seed + 1))[0]
    assert not np.array_equal(observations[: len(other)], other[: len(observations)]), "the seed changes nothing"
{%- endraw %}
