"""configs/train.yaml loads, any key can be overridden on the command line, and bad values are refused
with the key's name."""
{% raw %}
import pytest
{% endraw %}
from {{ cookiecutter.package }} import cli
from {{ cookiecutter.package }}.config import (
    FIELDS,
    load_config,
)
{% raw %}

def _config(argv):
    parser = cli.parser(None, training=True)
    args = cli.parse(parser, argv)
    return args, cli.config_from_args(args)


@pytest.mark.smoke
def test_every_config_key_can_be_set_as_key_value():
    defaults = load_config()
    for name in FIELDS:
        value = getattr(defaults, name)
        if isinstance(value, bool):
            new = not value
        elif isinstance(value, int):
            new = value + 1
        elif isinstance(value, float):
            new = round(value * 0.5 + 0.01, 6)  # stays a valid fraction, rate or count
        else:
            continue  # text keys (task, device, paths) have their own checks
        _, cfg = _config([f"{name}={new}"])
        assert getattr(cfg, name) == new, name


@pytest.mark.smoke
def test_flags_and_overrides_combine_and_resume_takes_an_override():
    args, cfg = _config(["--epochs", "3", "--resume", "learning_rate=0.01", "batch_size=8"])
    assert args.resume == "last"
    assert (cfg.epochs, cfg.learning_rate, cfg.batch_size) == (3, 0.01, 8)


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("no_such_key=1", "unknown config key 'no_such_key'"),
        ("learning_rate=fast", "'learning_rate'"),
        ("batch_size=0", "'batch_size' must be 1 or more"),
        ("lr_schedule=linear", "'lr_schedule' must be cosine or constant"),
        ("monitor=accuracy", "'monitor' must name a validation metric"),
        ("test_fraction=0.9", "'val_fraction'"),
        ("val_fraction=0", "'val_fraction'"),
        ("epochs", "write key=value"),
    ],
)
def test_bad_overrides_name_the_key(override, message):
    with pytest.raises(ValueError, match=message):
        _config([override])


@pytest.mark.smoke
def test_errors_and_ctrl_c_end_in_one_line_and_an_exit_status(capsys):
    def bad_config(argv):
        raise ValueError("config key 'epochs' must be 1 or more, got 0")

    def interrupted(argv):
        raise KeyboardInterrupt

    assert cli.run(bad_config, []) == 2
    assert capsys.readouterr().err == "error: config key 'epochs' must be 1 or more, got 0\n"
    assert cli.run(interrupted, []) == 130
    assert "--resume" in capsys.readouterr().err
{%- endraw %}
