{% raw %}
CHECKPOINT_DIR = "checkpoints"
CHECKPOINT_FILES = {"best": f"best{CHECKPOINT_SUFFIX}", "last": f"last{CHECKPOINT_SUFFIX}"}
# Keys a resumed run takes from the command line; everything else comes from the checkpoint's config.
RUNTIME_KEYS = ("epochs", "device", "num_workers", "output_dir", "log_every")


@dataclass
class TrainResult:
    model: Model  # the model after the last epoch (unwrapped from DDP)
    checkpoint: Path | None  # the best checkpoint; None on DDP ranks other than 0 (TF workers: a scratch copy)
    history: list[dict] = field(default_factory=list)  # one row per epoch, as in metrics.jsonl
    replicas: int = 1  # processes or replicas that trained together
    test: dict | None = None  # the best checkpoint's scores on the test split
    best_epoch: int = 0

    @property
    def final(self) -> dict:
        """Last-epoch metrics."""
        return self.history[-1] if self.history else {}


# ---------------------------------------------------------------- checkpoints
def checkpoint_path(run: Config | str | Path, which: str = "best") -> Path:
    """<output_dir>/checkpoints/best.* (the best epoch by cfg.monitor) or last.* (the latest, for resume)."""
    run_dir = run.output_dir if isinstance(run, Config) else run
    return Path(run_dir) / CHECKPOINT_DIR / CHECKPOINT_FILES[which]
{%- endraw %}
