"""How close does each generated project's training loop come to a plain hand-written loop?

Generates one project per framework x task (CPU target) into a temporary folder. For each, a subprocess pinned
to one CPU thread builds the project's model twice from the same seed: one trains through the project's own
loop (PyTorch: train.train_epoch with its schedule and TensorBoard writer; Keras: train.fit_epochs, model.fit
on the project's tf.data pipeline, timed by a callback placed before its EpochEnd, so validation and
checkpoints fall outside the timed span), the other through a plain loop over the same batches preloaded as
tensors (forward, loss, backward, clip, AdamW step; Keras: a tf.function step). Each reports seconds per
epoch, the median over --epochs epochs after one warm-up epoch; ratio = plain / generated, and a ratio of 0.95
or more means the generated loop costs at most about 5% over the plain one. The table also gives the optimizer
steps the generated loop actually took per epoch ("ran", against the batches in an epoch, "steps") and the
ratio per step, which separates a loop's overhead from a wrong step count.
Needs torch and tensorflow installed.
Usage: python benchmarks/bench_loop.py [--epochs N] [--samples N] [--json]
"""

import argparse
import contextlib
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from advisor.catalog import load_catalog

FRAMEWORKS = tuple(load_catalog().frameworks)
TASKS = load_catalog().template_tasks
TARGET = 0.95
MODULES = ("config", "data", "model", "train", "metrics")
# Read by TensorFlow when it starts (the last one quiets its C++ log) and by the BLAS/OpenMP libraries both
# frameworks use; the workers also set their thread counts through the frameworks' own calls.
ONE_THREAD = {
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}


# ---------------------------------------------------------------- the generated project
def load_package(project: Path) -> SimpleNamespace:
    """The project's modules as pkg.config, pkg.data, pkg.model, pkg.train and pkg.metrics."""
    sys.path.insert(0, str(project / "src"))
    (package,) = [p.name for p in (project / "src").iterdir() if p.is_dir() and not p.name.startswith((".", "_"))]
    return SimpleNamespace(**{name: importlib.import_module(f"{package}.{name}") for name in MODULES})


def project_config(pkg: SimpleNamespace, project: Path, task: str, samples: int, scratch: Path):
    overrides = {"device": "cpu", "num_samples": samples, "mixed_precision": False, "output_dir": str(scratch)}
    if task == "vision":  # a vision-only key: the plain loop reuses one epoch's batches, never re-augmented
        overrides["augment"] = False
    return pkg.config.load_config(project / "configs" / "train.yaml", **overrides)


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# ---------------------------------------------------------------- PyTorch
def torch_model(pkg: SimpleNamespace, loaders):
    import torch

    torch.manual_seed(loaders.cfg.seed)  # both loops start from the same weights
    model = pkg.model.build_model(loaders.cfg)
    pkg.model.adapt(model, loaders.train_inputs)
    return model


def torch_project_loop(pkg: SimpleNamespace, loaders, writer):
    """The project's loop, as train() runs it: run(epoch) trains one epoch, returns the steps it took."""
    import torch

    cfg, model = loaders.cfg, torch_model(pkg, loaders)
    optimizer = pkg.train.build_optimizer(model, cfg)
    schedule = pkg.train.Schedule.for_run(cfg, len(loaders.train))
    scaler = torch.amp.GradScaler("cpu", enabled=False)
    done = [0]  # the global step, which train_epoch takes and returns

    def run(epoch: int) -> int:
        loaders.train.set_epoch(epoch)
        before = done[0]
        _, done[0] = pkg.train.train_epoch(
            model, loaders.train, optimizer, schedule, scaler, torch.device("cpu"), cfg, None, writer, before
        )
        return done[0] - before

    return run


def torch_plain_loop(pkg: SimpleNamespace, loaders, batches: list):
    """A hand-written loop over preloaded batches: same model, AdamW and clipping; no schedule, no logs."""
    import torch

    cfg, model = loaders.cfg, torch_model(pkg, loaders)
    optimizer = pkg.train.build_optimizer(model, cfg)

    def run() -> None:
        model.train()
        for x, y in batches:
            optimizer.zero_grad(set_to_none=True)
            loss = pkg.model.loss_fn(y, model(x)).mean()
            loss.backward()
            if cfg.grad_clip_norm > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip_norm)
            optimizer.step()

    return run


def bench_pytorch(pkg: SimpleNamespace, cfg, epochs: int, scratch: Path) -> dict:
    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    loaders = pkg.data.make_loaders(cfg)
    loaders.train.set_epoch(1)
    batches = list(loaders.train)  # one epoch of the project's batches, made once
    writer = pkg.train.summary_writer(str(scratch))  # what train() logs to, every cfg.log_every steps
    generated_epoch = torch_project_loop(pkg, loaders, writer)
    plain_epoch = torch_plain_loop(pkg, loaders, batches)
    ran = [generated_epoch(1)]  # warm-up
    plain_epoch()
    generated, reference = [], []
    for epoch in range(2, epochs + 2):  # alternate, so a burst of load on the machine hits both alike
        start = time.perf_counter()
        ran.append(generated_epoch(epoch))
        generated.append(time.perf_counter() - start)
        reference.append(timed(plain_epoch))
    writer.close()
    return {"generated": generated, "plain": reference, "steps": len(batches), "ran": statistics.mean(ran)}


# ---------------------------------------------------------------- Keras
def bench_keras(pkg: SimpleNamespace, cfg, epochs: int, scratch: Path) -> dict:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras

    loaders = pkg.data.make_loaders(cfg)
    cfg, steps = loaders.cfg, loaders.train.steps

    def fresh_model():
        keras.utils.set_random_seed(cfg.seed)  # both loops start from the same weights
        model = pkg.model.build_model(cfg)
        pkg.model.adapt(model, loaders.train_inputs)
        return pkg.model.compile_model(model, cfg, steps)

    model = fresh_model()
    generated = keras_fit_times(pkg, model, loaders, epochs, scratch)
    ran = int(model.optimizer.iterations.numpy()) / (epochs + 1)  # fit() may take more steps than asked
    reference = keras_plain_times(pkg, fresh_model(), loaders, epochs)
    return {"generated": generated, "plain": reference, "steps": steps, "ran": ran}


def keras_fit_times(pkg: SimpleNamespace, model, loaders, epochs: int, scratch: Path) -> list[float]:
    """Seconds of each epoch's training pass in train.fit_epochs, as train() calls it (warm-up epoch
    dropped), timed by a callback placed before EpochEnd, so its validation and checkpoints fall outside."""
    import keras

    begun, times = [], []
    # Epoch hooks only: a batch hook would make fit() return to Python, and wait for the step, every batch.
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: begun.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: times.append(time.perf_counter() - begun[-1]),
    )
    cfg = loaders.cfg
    epoch_end = pkg.train.EpochEnd(cfg, loaders, scratch, pkg.metrics.Tracker(cfg.monitor, 0), [])
    pkg.train.fit_epochs(model, loaders.train, 1, epochs + 1, [timer, epoch_end])
    return times[1:]


def keras_plain_times(pkg: SimpleNamespace, model, loaders, epochs: int) -> list[float]:
    """Seconds per epoch of a tf.function step over preloaded batches (warm-up epoch dropped)."""
    import tensorflow as tf

    batches = list(loaders.train.epoch(1))

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(pkg.model.loss_fn(y, model(x, training=True)))
        grads = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply(grads, model.trainable_variables)  # clipping and weight decay as in fit()
        return loss

    def epoch() -> None:
        loss = None
        for x, y in batches:
            loss = train_step(x, y)
        loss.numpy()  # wait for the last step

    return [timed(epoch) for _ in range(epochs + 1)][1:]


# ---------------------------------------------------------------- one project per subprocess
def worker(framework: str, task: str, project: Path, epochs: int, samples: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-loop-run-") as scratch:
        pkg = load_package(project)
        cfg = project_config(pkg, project, task, samples, Path(scratch))
        bench = bench_pytorch if framework == "pytorch" else bench_keras
        with contextlib.redirect_stdout(sys.stderr):  # the project prints progress; stdout carries the JSON
            times = bench(pkg, cfg, epochs, Path(scratch))
    generated, plain = statistics.median(times["generated"]), statistics.median(times["plain"])
    return {
        "framework": framework,
        "task": task,
        "generated_s": round(generated, 4),
        "plain_s": round(plain, 4),
        "ratio": round(plain / generated, 3),
        "steps": times["steps"],  # batches in an epoch: the steps the plain loop takes
        "ran": times["ran"],  # optimizer steps the generated loop took per epoch
        # Seconds per optimizer step, plain / generated: the loop's own cost, whatever the step count.
        "step_ratio": round((plain / times["steps"]) / (generated / times["ran"]), 3),
    }


def measure(framework: str, task: str, scratch: Path, options: argparse.Namespace) -> dict:
    project = scratch / f"{framework}-{task}"
    made = subprocess.run(
        [sys.executable, "-m", "advisor", "new", str(project), "--framework", framework,
         "-a", f"task={task}", "-a", "hardware=cpu", "--no-input"],
        capture_output=True, text=True,
    )  # fmt: skip
    if made.returncode != 0:
        sys.exit(made.stderr)
    # A fresh process per project: thread settings and framework state cannot leak from one to the next.
    command = [sys.executable, __file__, "--worker", framework, task, str(project),
               "--epochs", str(options.epochs), "--samples", str(options.samples)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **ONE_THREAD})
    if result.returncode != 0:
        sys.exit(f"{framework}-{task} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout)


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def print_table(rows: list[dict], epochs: int, load: str) -> None:
    columns = f"{'generated':>11}{'plain':>10}{'ratio':>8}{'steps':>7}{'ran':>7}{'per step':>10}"
    print(f"{'framework':<12}{'task':<10}{columns}")
    for row in rows:
        flags = [f"below {TARGET}"] if row["ratio"] < TARGET else []
        if row["ran"] != row["steps"]:
            flags.append(f"the generated loop took {row['ran']:g} steps per epoch, not {row['steps']}")
        print(
            f"{row['framework']:<12}{row['task']:<10}{row['generated_s']:>10.3f}s{row['plain_s']:>9.3f}s"
            f"{row['ratio']:>8.3f}{row['steps']:>7}{row['ran']:>7g}{row['step_ratio']:>10.3f}  {'; '.join(flags)}"
        )
    print(f"seconds per epoch, median of {epochs} after a warm-up, one thread; ratio: plain / generated")
    print("steps: batches per epoch; ran: the generated loop's optimizer steps per epoch; per step: ratio per step")
    print(load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs, after one warm-up epoch")
    parser.add_argument("--samples", type=int, default=2048, help="synthetic examples (num_samples)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", nargs=3, metavar=("FRAMEWORK", "TASK", "PROJECT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        framework, task, project = options.worker
        print(json.dumps(worker(framework, task, Path(project), options.epochs, options.samples)))
        return
    before = load_note()
    with tempfile.TemporaryDirectory(prefix="bench-loop-") as scratch:
        rows = [measure(framework, task, Path(scratch), options) for framework in FRAMEWORKS for task in TASKS]
    # Other work on the machine slows both loops, but not always alike: say how busy it was.
    load = f"before: {before}; after: {load_note()}"
    if options.json:
        report = {"epochs": options.epochs, "samples": options.samples, "load": load, "results": rows}
        print(json.dumps(report, indent=2))
        return
    print_table(rows, options.epochs, load)


if __name__ == "__main__":
    main()
