"""Benchmark: the app's training loop against a bare ``model.fit`` on the same model, data and epochs.

The app's loop is a ``Job`` from ``embedlab.models.jobs`` (a background thread that queues for a slot) running
``train``'s fit with the live-progress and best-weights callbacks, while a poller reads
``snapshot()`` four times a second as the page does. The peer is ``model.fit(verbose=0)``
on a model built from the same config, the same training and validation rows, the same
epochs and batch size. Only the fit is timed on both sides (split, vocabulary, test
evaluation and saving are the same work either way and are printed apart). Runs alternate
(bare, app, bare, app, …) and the fastest of each is kept, which damps a busy machine.

    python bench/bench_training.py                # target: ratio <= 1.10
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from embedlab.data.builtins import builtin_dataset  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.data.labelled import LabelledDataset
from embedlab.models.architecture import ModelConfig  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.jobs import TrainingSpec, new_job  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.training.splits import split_dataset  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.training.options import TrainingOptions  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)


def bench_dataset(copies: int) -> LabelledDataset:
    """The 200 built-in sentences repeated, so an epoch is long enough to time."""
    base = builtin_dataset("pang-lee-200")
    return LabelledDataset(list(base.texts) * copies, np.tile(base.labels, copies), base.class_names, name="bench")


def bare_fit(dataset, config, options) -> float:
    import keras

    from embedlab.models.architecture import build_model, build_vectorizer

    split = split_dataset(dataset, options)
    texts, labels = np.asarray(dataset.texts, dtype=object), np.asarray(dataset.labels)
    keras.utils.set_random_seed(options.seed)
    model = build_model(config, build_vectorizer(config, texts[split.train].tolist()))
    started = time.perf_counter()
    model.fit(texts[split.train], labels[split.train], validation_data=(texts[split.validation],
              labels[split.validation]), epochs=options.epochs, batch_size=options.batch_size, shuffle=True,
              verbose=0)
    return time.perf_counter() - started


def app_fit(dataset, config, options) -> tuple[float, float]:
    """(fit seconds inside the job, whole job seconds) with a poller reading snapshots like the page."""
    job = new_job(TrainingSpec(dataset, config, options, name="bench"))
    done = threading.Event()
    polls = []

    def poll():
        while not done.is_set():
            polls.append(job.snapshot().progress)
            time.sleep(0.25)

    poller = threading.Thread(target=poll, daemon=True)
    started = time.perf_counter()
    job.start()
    poller.start()
    job.join()
    total = time.perf_counter() - started
    done.set()
    poller.join()
    status = job.snapshot()
    if status.state != "done":
        raise RuntimeError(f"the job ended {status.state}: {status.failure}")
    return status.result.elapsed, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", nargs="+", default=["pooling", "lstm"])
    parser.add_argument("--copies", type=int, default=40, help="repeats of the 200 sentences (default 40: 8,000 rows)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=4)
    args = parser.parse_args()

    dataset = bench_dataset(args.copies)
    options = TrainingOptions(epochs=args.epochs, batch_size=32, seed=0, early_stopping=False)
    print(f"{len(dataset):,} rows, {args.epochs} epochs, batch 32, best of {args.repeats} alternating runs")
    print(f"{'encoder':<10} {'bare fit s':>10} {'app fit s':>10} {'ratio':>7} {'app job s (all)':>16}")
    ratios = []
    for encoder in args.encoders:
        config = ModelConfig(max_tokens=5_000, sequence_length=40, encoder=encoder, units=32, output_dim=32)
        bare, app, job = [], [], []
        bare_fit(dataset, config, options)  # warm-up: the first fit traces TensorFlow functions
        for _ in range(args.repeats):
            bare.append(bare_fit(dataset, config, options))
            fit_seconds, job_seconds = app_fit(dataset, config, options)
            app.append(fit_seconds)
            job.append(job_seconds)
        ratio = min(app) / min(bare)
        ratios.append(ratio)
        print(f"{encoder:<10} {min(bare):>10.2f} {min(app):>10.2f} {ratio:>7.3f} {min(job):>16.2f}", flush=True)
    print(f"\nworst ratio {max(ratios):.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
