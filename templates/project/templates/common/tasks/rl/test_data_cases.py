{% raw %}


def _rows(array) -> list[bytes]:
    return [row.tobytes() for row in np.asarray(array, dtype=np.float32)]


@pytest.mark.smoke
def test_every_pass_serves_each_rollout_step_once_in_a_new_order(cpu_config):
    rollout = environment.random_experience(cpu_config)
    batches = Batches.of(rollout, cpu_config)
    stored = _rows(np.concatenate([rollout.observations, rollout.targets()], axis=1))
    first, second = one_pass(batches, 1), one_pass(batches, 2)
    for inputs, targets in (first, second):
        served = _rows(np.concatenate([np.asarray(inputs), np.asarray(targets)], axis=1))
        assert sorted(served) == sorted(stored), "a pass must serve every step of the rollout exactly once"
    assert _rows(first[1]) != _rows(rollout.targets()), "minibatches come in rollout order: no shuffling"
    assert _rows(first[1]) != _rows(second[1]), "every pass has the same order"
    assert _rows(one_pass(batches, 1)[1]) == _rows(first[1]), "the order of a pass must follow the seed"
    batches.set_epoch(1)
    for inputs, targets in batches:
        check_batch(inputs, targets, cpu_config)


@pytest.mark.smoke
def test_loaders_hold_seeded_random_experience_and_its_observations(cpu_config):
    loaders = make_loaders(cpu_config)
    again = make_loaders(cpu_config)
    assert len(loaders.train_inputs) >= cpu_config.rollout_steps
    np.testing.assert_array_equal(loaders.train_inputs, again.train_inputs)
    inputs, _ = one_pass(loaders.train, 1)
    assert sorted(_rows(inputs)) == sorted(_rows(loaders.train_inputs))
{%- endraw %}
